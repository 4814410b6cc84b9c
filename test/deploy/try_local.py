"""Deploys deploy stacks to a running LocalStack and prints curl commands for their routes
(`npm run deploy:local`, scripts/deploy-local.sh). Serves the HTTP integrations' backend on 127.0.0.1
until interrupted."""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

import emulator  # noqa: E402
from backend import start_backend  # noqa: E402

STACKS = ["DeployEdge", "DeployRegional", "DeployS3", "DeployPrivate", "DeployKeys"]


def main(names: list[str]) -> int:
    outdir = Path(os.environ.get("DEPLOY_TEST_OUTDIR", ".deploy/cdk.out"))
    unknown = [n for n in names if n not in STACKS]
    if unknown:
        print(f"Unknown stack {', '.join(unknown)}: choose from {', '.join(STACKS)}.", file=sys.stderr)
        return 2
    server = start_backend(int(os.environ["DEPLOY_TEST_BACKEND_PORT"]))
    apigateway = emulator.client("apigateway")
    for name in names or STACKS:
        print(f"Deploying {name} ...", flush=True)
        outputs = emulator.deploy(name, emulator.template_body(outdir, name))
        for key, value in sorted(outputs.items()):
            if key.endswith("ApiId"):
                api = apigateway.get_rest_api(restApiId=value)
                print(f"\n{name}: {api['name']} (REST API {value}), stage {emulator.STAGE}")
                for resource in sorted(apigateway.get_resources(restApiId=value)["items"], key=lambda r: r["path"]):
                    for method in sorted(resource.get("resourceMethods", {})):
                        if method == "OPTIONS":
                            continue
                        verb = "GET" if method == "ANY" else method
                        path = resource["path"].replace("{proxy+}", "anything").replace("{key+}", "docs/readme.txt")
                        path = path.replace("{customerId}", "c-1").replace("{orderId}", "o-1")
                        flags = {
                            "HEAD": "-I",
                            "POST": "-i -X POST -H 'Content-Type: application/json' -d '{\"type\": \"try\"}'",
                            "PUT": "-i -X PUT -H 'Content-Type: text/plain' --data-binary 'hello'",
                        }.get(verb, f"-i -X {verb}")
                        print(f"  curl {flags} '{emulator.api_url(value, path)}'")
            elif "execute-api" not in value:  # the stage URLs name hosts that resolve only on AWS
                print(f"  {key}: {value}")
    print("\nLocalStack keeps running until you press Ctrl-C; then it stops and its state is removed.", flush=True)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        return 0
    finally:
        server.shutdown()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
