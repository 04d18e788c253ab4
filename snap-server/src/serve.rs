//! Serving a router safely: [`serve`] is `axum::serve` with the connection
//! limits of a [`ProviderConfig`](crate::ProviderConfig).
//!
//! | limit | how | default |
//! |---|---|---|
//! | header read timeout | hyper's `header_read_timeout`: the head of every request, and the wait for the next one on a kept-alive connection | 10 s |
//! | body read timeout | the [`Snap`](crate::Snap) extractor reads the whole body within it (total, not per chunk: a client trickling bytes is cut off too) | 30 s |
//! | idle timeout | a connection that makes no progress either way (also a client that stops reading its answer) is closed | 60 s |
//! | connections | a semaphore around `accept`: past the cap, new clients wait in the listener's backlog until a connection ends | 1,024 |
//! | per-partner rate | [`RateLimiter`](crate::limits::RateLimiter), answered `429{SS}00` | 1,000/s |

use std::future::Future;
use std::io;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use axum::Router;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::Semaphore;
use tokio::time::{Instant, Sleep};

use crate::ProviderConfig;

/// Serves `router` on `listener` with the connection limits of `config`
/// until `shutdown` resolves; then stops accepting and lets open
/// connections finish for up to `drain` (then drops them).
///
/// # Errors
/// Never for a client's doing; only when the listener itself fails
/// persistently (it is retried after 50 ms on `EMFILE` and the like).
pub async fn serve(
    listener: TcpListener,
    router: Router,
    config: &ProviderConfig,
    shutdown: impl Future<Output = ()> + Send + 'static,
    drain: Duration,
) -> io::Result<()> {
    let permits = Arc::new(Semaphore::new(config.max_connections()));
    let graceful = hyper_util::server::graceful::GracefulShutdown::new();
    let header_timeout = config.header_read_timeout();
    let idle = config.idle_timeout();
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        let permit = tokio::select! {
            p = permits.clone().acquire_owned() => match p {
                Ok(p) => p,
                Err(_) => break,
            },
            () = &mut shutdown => break,
        };
        let stream = tokio::select! {
            r = listener.accept() => match r {
                Ok((s, _)) => s,
                Err(e) => {
                    // Out of descriptors or the like: back off, keep serving.
                    tracing::warn!(target: "snap::server", error = %e, "accept failed");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let _ = stream.set_nodelay(true);
        let io = TokioIo::new(IdleIo::new(stream, idle));
        let service = TowerToHyperService::new(router.clone());
        let mut builder = hyper::server::conn::http1::Builder::new();
        builder
            .timer(TokioTimer::new())
            .header_read_timeout(header_timeout)
            .keep_alive(true);
        let conn = graceful.watch(builder.serve_connection(io, service));
        tokio::spawn(async move {
            let _ = conn.await;
            drop(permit);
        });
    }
    drop(listener);
    let _ = tokio::time::timeout(drain, graceful.shutdown()).await;
    Ok(())
}

/// A TCP stream that fails (`TimedOut`) once it made no progress in either
/// direction for `idle` while someone waits on it. Progress only records an
/// instant; the timer is re-armed when it fires early, so a busy connection
/// costs no timer operation per read or write.
struct IdleIo {
    io: TcpStream,
    idle: Duration,
    last_progress: Instant,
    deadline: Pin<Box<Sleep>>,
}

impl IdleIo {
    fn new(io: TcpStream, idle: Duration) -> Self {
        IdleIo {
            io,
            idle,
            last_progress: Instant::now(),
            deadline: Box::pin(tokio::time::sleep(idle)),
        }
    }

    fn progressed(&mut self) {
        self.last_progress = Instant::now();
    }

    fn stalled(&mut self, cx: &mut Context<'_>) -> bool {
        loop {
            if self.deadline.as_mut().poll(cx).is_pending() {
                return false;
            }
            let due = self.last_progress + self.idle;
            if Instant::now() >= due {
                return true;
            }
            // Progress since the timer was set: wait for the rest.
            self.deadline.as_mut().reset(due);
        }
    }
}

fn timed_out() -> io::Error {
    io::Error::new(io::ErrorKind::TimedOut, "connection idle too long")
}

impl AsyncRead for IdleIo {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let this = &mut *self;
        match Pin::new(&mut this.io).poll_read(cx, buf) {
            Poll::Ready(r) => {
                this.progressed();
                Poll::Ready(r)
            }
            Poll::Pending if this.stalled(cx) => Poll::Ready(Err(timed_out())),
            Poll::Pending => Poll::Pending,
        }
    }
}

impl AsyncWrite for IdleIo {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let this = &mut *self;
        match Pin::new(&mut this.io).poll_write(cx, buf) {
            Poll::Ready(r) => {
                this.progressed();
                Poll::Ready(r)
            }
            Poll::Pending if this.stalled(cx) => Poll::Ready(Err(timed_out())),
            Poll::Pending => Poll::Pending,
        }
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.io).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.io).poll_shutdown(cx)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let this = &mut *self;
        match Pin::new(&mut this.io).poll_write_vectored(cx, bufs) {
            Poll::Ready(r) => {
                this.progressed();
                Poll::Ready(r)
            }
            Poll::Pending if this.stalled(cx) => Poll::Ready(Err(timed_out())),
            Poll::Pending => Poll::Pending,
        }
    }

    fn is_write_vectored(&self) -> bool {
        self.io.is_write_vectored()
    }
}
