"""Validates an OpenAPI 3.1 document written by `snap openapi`.

1. openapi-spec-validator: the document against the OpenAPI 3.1 schema and
   its own rules (references resolve, path parameters declared, ...).
2. jsonschema (Draft 2020-12, the dialect of OpenAPI 3.1): every example
   (request bodies, answers, parameters) against the schema it illustrates,
   with `$ref`s into components/schemas resolved and patterns checked.

Usage: python validate_openapi.py DOC.json
Prints one line per problem and exits 1 if there is any; prints a summary
and exits 0 otherwise.
"""

import json
import sys

from jsonschema import Draft202012Validator, FormatChecker
from openapi_spec_validator import validate
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012


def main(path):
    with open(path, encoding="utf-8") as f:
        doc = json.load(f)
    validate(doc)

    registry = Registry().with_resource(
        "urn:snap-openapi", Resource(contents=doc, specification=DRAFT202012)
    )

    def check(schema, value, where):
        # Rebase the document's local refs on the registered resource.
        text = json.dumps(schema).replace('"#/components/', '"urn:snap-openapi#/components/')
        validator = Draft202012Validator(
            json.loads(text), registry=registry, format_checker=FormatChecker()
        )
        return [f"{where}: {e.json_path}: {e.message}" for e in validator.iter_errors(value)]

    problems = []
    examples = 0
    for path_name, item in doc.get("paths", {}).items():
        for method, op in item.items():
            where = f"{method.upper()} {path_name}"
            media_sets = []
            body = op.get("requestBody", {}).get("content", {})
            media_sets += [(f"{where} request", m) for m in body.values()]
            for status, resp in op.get("responses", {}).items():
                for m in resp.get("content", {}).values():
                    media_sets.append((f"{where} {status}", m))
            for label, media in media_sets:
                for name, ex in media.get("examples", {}).items():
                    examples += 1
                    problems += check(media["schema"], ex["value"], f"{label} example {name}")
    for name, schema in doc.get("components", {}).get("schemas", {}).items():
        for i, ex in enumerate(schema.get("examples", [])):
            examples += 1
            problems += check(schema, ex, f"components.schemas.{name} example {i}")
    for p in problems:
        print(p)
    if problems:
        return 1
    print(f"valid OpenAPI {doc.get('openapi')}: {len(doc.get('paths', {}))} paths, {examples} examples checked")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
