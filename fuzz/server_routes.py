#!/usr/bin/env python3
"""The route table fuzz_http_request routes with: every path of energy-server's OpenAPI document
with its methods and the media types of their request bodies (all the routing layer reads).

    energy-server --openapi | fuzz/server_routes.py > fuzz/server_routes.json   # refresh
    energy-server --openapi | fuzz/server_routes.py --check fuzz/server_routes.json

--check fails when the committed table no longer matches the server (a server test runs it)."""
import json
import sys

METHODS = ("get", "post", "put", "patch", "delete")


def table(document):
    out = {}
    for path, operations in sorted(document["paths"].items()):
        entry = {}
        for method in METHODS:
            if method not in operations:
                continue
            body = operations[method].get("requestBody", {})
            content = body.get("content")
            entry[method] = (
                {"requestBody": {"content": {t: {} for t in sorted(content)}}} if content else {}
            )
        out[path] = entry
    return out


def main():
    current = table(json.load(sys.stdin))
    text = json.dumps(current, indent=1, sort_keys=True) + "\n"
    if len(sys.argv) == 3 and sys.argv[1] == "--check":
        with open(sys.argv[2], encoding="utf-8") as f:
            if f.read() != text:
                sys.exit(
                    f"{sys.argv[2]} is out of date with energy-server's routes; refresh it with "
                    "`energy-server --openapi | fuzz/server_routes.py > fuzz/server_routes.json`"
                )
        print(f"{sys.argv[2]}: {len(current)} paths, up to date")
        return
    sys.stdout.write(text)


if __name__ == "__main__":
    main()
