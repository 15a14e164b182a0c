"""docs/contract.md is generated from service/schema.py and must match it (run python docs/make_contract.py)."""
from __future__ import annotations

import runpy

from service import schema
from service.config import ROOT


def test_contract_doc_is_up_to_date():
    make = runpy.run_path(str(ROOT / "docs" / "make_contract.py"))
    expected = make["render"]()
    assert (ROOT / "docs" / "contract.md").read_text(encoding="utf-8") == expected, \
        "docs/contract.md is stale: run python docs/make_contract.py"


def test_contract_doc_lists_every_response_field():
    doc = (ROOT / "docs" / "contract.md").read_text(encoding="utf-8")
    for model in (schema.SummarizeRequest, schema.SummarizeResponse, schema.Claim, schema.Source, schema.Span):
        assert f"### {model.__name__}" in doc
        for name in model.model_fields:
            assert f"| `{name}` |" in doc, f"{model.__name__}.{name} missing from docs/contract.md"
