//! A minimal Chrome DevTools Protocol driver for the dashboard tests: real
//! headless Chromium, real input events.
//!
//! Chromium runs with `--remote-debugging-pipe`: it reads protocol messages
//! (JSON, each ended by a NUL byte) on its fd 3 and writes them on its fd 4.
//! `sh` maps those to the child's stdin and stdout (`3<&0 4>&1`), so neither
//! a websocket client nor `unsafe` fd juggling is needed. The driver is
//! blocking: call it from `tokio::task::spawn_blocking` while the sandbox
//! runs on the test's runtime.

use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{Receiver, RecvTimeoutError, channel};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

/// How long any one wait may take before the test gives up (a guard
/// against hanging, never a timing criterion: the awaited state is what
/// the test checks).
const PATIENCE: Duration = Duration::from_secs(60);

/// One headless Chromium with one page, driven over the DevTools pipe.
pub struct Browser {
    child: Child,
    to: ChildStdin,
    from: Receiver<Value>,
    next_id: u64,
    session: String,
    profile: PathBuf,
}

impl Browser {
    /// Starts `binary` headless with an empty page attached.
    pub fn start(binary: &Path) -> Browser {
        let profile = std::env::temp_dir().join(format!(
            "snap-dash-cdp-{}-{}",
            std::process::id(),
            crate::support::ext_id()
        ));
        let mut child = Command::new("sh")
            .arg("-c")
            .arg(r#"exec "$0" "$@" 3<&0 4>&1 </dev/null >/dev/null"#)
            .arg(binary)
            .args([
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--window-size=1280,900",
                "--remote-debugging-pipe",
                &format!("--user-data-dir={}", profile.display()),
            ])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("start chromium");
        let to = child.stdin.take().expect("pipe to chromium");
        let out = child.stdout.take().expect("pipe from chromium");
        let (tx, from) = channel();
        std::thread::spawn(move || {
            let mut r = BufReader::new(out);
            let mut buf = Vec::new();
            loop {
                buf.clear();
                match r.read_until(0, &mut buf) {
                    Ok(0) | Err(_) => return,
                    Ok(_) => {
                        if buf.last() == Some(&0) {
                            buf.pop();
                        }
                        let Ok(v) = serde_json::from_slice::<Value>(&buf) else {
                            continue;
                        };
                        if tx.send(v).is_err() {
                            return;
                        }
                    }
                }
            }
        });
        let mut b = Browser {
            child,
            to,
            from,
            next_id: 0,
            session: String::new(),
            profile,
        };
        let target = b.send(None, "Target.createTarget", json!({"url": "about:blank"}));
        let target_id = target["targetId"].as_str().expect("targetId").to_owned();
        let attached = b.send(
            None,
            "Target.attachToTarget",
            json!({"targetId": target_id, "flatten": true}),
        );
        b.session = attached["sessionId"]
            .as_str()
            .expect("sessionId")
            .to_owned();
        b
    }

    /// Sends one command (to the page's session when `session` is set)
    /// and returns its result; a protocol error fails the test.
    fn send(&mut self, session: Option<&str>, method: &str, params: Value) -> Value {
        self.next_id += 1;
        let id = self.next_id;
        let mut msg = json!({"id": id, "method": method, "params": params});
        if let Some(s) = session {
            msg["sessionId"] = json!(s);
        }
        let mut bytes = serde_json::to_vec(&msg).unwrap();
        bytes.push(0);
        self.to.write_all(&bytes).expect("write to chromium");
        self.to.flush().expect("flush to chromium");
        let deadline = Instant::now() + PATIENCE;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.from.recv_timeout(left) {
                // Events and other answers are not this call's.
                Ok(v) if v["id"] != id => continue,
                Ok(v) => {
                    assert!(v.get("error").is_none(), "{method}: {}", v["error"]);
                    return v["result"].clone();
                }
                Err(RecvTimeoutError::Timeout) => panic!("{method}: no answer from chromium"),
                Err(RecvTimeoutError::Disconnected) => panic!("{method}: chromium is gone"),
            }
        }
    }

    /// A command to the page.
    pub fn call(&mut self, method: &str, params: Value) -> Value {
        let s = self.session.clone();
        self.send(Some(&s), method, params)
    }

    /// `Page.navigate` to `url`.
    pub fn navigate(&mut self, url: &str) {
        let r = self.call("Page.navigate", json!({"url": url}));
        assert!(r.get("errorText").is_none(), "navigate {url}: {r}");
    }

    /// The value of the JavaScript expression `expr` in the page.
    pub fn eval(&mut self, expr: &str) -> Value {
        let r = self.call(
            "Runtime.evaluate",
            json!({"expression": expr, "returnByValue": true}),
        );
        assert!(
            r.get("exceptionDetails").is_none(),
            "{expr}: {}",
            r["exceptionDetails"]
        );
        r["result"]["value"].clone()
    }

    /// The page's HTML now.
    pub fn html(&mut self) -> String {
        self.eval("document.documentElement.outerHTML")
            .as_str()
            .unwrap_or_default()
            .to_owned()
    }

    /// Polls `expr` until it is neither null nor false and returns it;
    /// fails the test with `what` and the page's HTML when it never is.
    pub fn wait_for(&mut self, what: &str, expr: &str) -> Value {
        let deadline = Instant::now() + PATIENCE;
        loop {
            let v = self.eval(expr);
            if !v.is_null() && v != Value::Bool(false) {
                return v;
            }
            if Instant::now() > deadline {
                let html = self.html();
                panic!("never happened: {what}\n{html}");
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// Presses the element with id `id` with the mouse, as a person would:
    /// scrolls it into view, reads its box, and sends a real move, press
    /// and release at its centre (`Input.dispatchMouseEvent`).
    pub fn click(&mut self, id: &str) {
        let id_js = serde_json::to_string(id).unwrap();
        let at = self.wait_for(
            &format!("a visible #{id}"),
            &format!(
                "(() => {{ const e = document.getElementById({id_js}); if (!e) return null; \
                 e.scrollIntoView({{block: 'center'}}); const r = e.getBoundingClientRect(); \
                 if (!r.width || !r.height) return null; \
                 return {{x: r.left + r.width / 2, y: r.top + r.height / 2}}; }})()"
            ),
        );
        let (x, y) = (at["x"].clone(), at["y"].clone());
        // What is under the pointer must be the button itself.
        let hit = self.eval(&format!(
            "(() => {{ const e = document.elementFromPoint({x}, {y}); return e && e.closest('[id]') ? e.closest('[id]').id : null; }})()"
        ));
        assert_eq!(hit, json!(id), "#{id} is covered at ({x}, {y})");
        for (kind, buttons) in [("mouseMoved", 0), ("mousePressed", 1), ("mouseReleased", 0)] {
            let mut ev = json!({"type": kind, "x": x, "y": y, "buttons": buttons});
            if kind != "mouseMoved" {
                ev["button"] = json!("left");
                ev["clickCount"] = json!(1);
            }
            self.call("Input.dispatchMouseEvent", ev);
        }
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = self.send_quietly("Browser.close");
        let deadline = Instant::now() + Duration::from_secs(5);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                break;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.profile);
    }
}

impl Browser {
    /// A browser command whose answer is not awaited (closing).
    fn send_quietly(&mut self, method: &str) -> std::io::Result<()> {
        self.next_id += 1;
        let mut bytes = serde_json::to_vec(&json!({"id": self.next_id, "method": method})).unwrap();
        bytes.push(0);
        self.to.write_all(&bytes)
    }
}
