"""Runs, inside the azure-ai-ml venv, what `az ml compute create --file SPEC` runs before it
calls Azure, on each spec path given on standard input (one per line), and prints one JSON line
per spec: {"path", "rejects", "message"}.

The steps follow azure-ai-ml 1.35.2: `load_compute(path)` (YAML read with yaml.safe_load, the
marshmallow schema of the kind, the entity), then what ComputeOperations.begin_create_or_update
does before the request: non-cluster kinds get the workspace location, `_set_full_subnet_name`,
`_to_rest_object()`, and the request body's JSON encoding (SdkJSONEncoder).
"""

import json
import logging
import sys
import warnings

SUBSCRIPTION = "00000000-0000-0000-0000-000000000000"
RESOURCE_GROUP = "ml-rg"
WORKSPACE_LOCATION = "eastus"


def first_line(text, limit=300):
    text = " ".join(str(text).split())
    return text[:limit]


def run_one(path):
    from azure.ai.ml import load_compute
    from azure.ai.ml._restclient.arm_ml_service._utils.model_base import SdkJSONEncoder

    compute = load_compute(path)
    if compute.type != "amlcompute" or not compute.location:
        compute.location = WORKSPACE_LOCATION
    compute._set_full_subnet_name(SUBSCRIPTION, RESOURCE_GROUP)
    rest = compute._to_rest_object()
    # The request body, encoded as the generated client encodes it.
    json.dumps(rest, cls=SdkJSONEncoder, exclude_readonly=True)


def main():
    logging.disable(logging.CRITICAL)
    warnings.simplefilter("ignore")
    import azure.ai.ml  # noqa: F401  (a broken install fails here, before any spec is judged)

    for line in sys.stdin:
        path = line.rstrip("\n")
        if not path:
            continue
        try:
            run_one(path)
            row = {"path": path, "rejects": False, "message": ""}
        except Exception as e:  # the CLI stops on any exception, crash or validation alike
            row = {"path": path, "rejects": True, "message": f"{type(e).__name__}: {first_line(e)}"}
        print(json.dumps(row), flush=True)


if __name__ == "__main__":
    main()
