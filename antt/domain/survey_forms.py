"""Survey forms as data: a :class:`~antt.domain.drug_survey.Form` to and from the JSON document stored in
``survey_forms.definition`` (the form an analyst wrote in a definition file, :mod:`antt.importers.survey_form`).

A stored form is never edited: answers keep the code of the form they were given on, and a changed form is
a new code. The document is the form's whole content, so the page, the Excel template and the checks of a
campaign's surveys all read the same thing.
"""

from __future__ import annotations

import re
from typing import Any

from antt.domain.drug_survey import BUILTIN_FORM, Form, Question, Section

CODE = re.compile(r"^[a-z0-9][a-z0-9-]{1,31}$")
MAX_TITLE = 200


def form_document(form: Form) -> dict[str, Any]:
    return {
        "code": form.code,
        "title_vi": form.title_vi,
        "title_en": form.title_en,
        "sections": [
            {
                "id": s.id,
                "title_vi": s.title_vi,
                "title_en": s.title_en,
                "questions": [
                    {
                        "id": q.id,
                        "kind": q.kind,
                        "label_vi": q.label_vi,
                        "label_en": q.label_en,
                        "required": q.required,
                        "choices": [list(c) for c in q.choices],
                        "sensitive": q.sensitive,
                    }
                    for q in s.questions
                ],
            }
            for s in form.sections
        ],
    }


def form_from_document(document: dict[str, Any]) -> Form:
    """The form of a stored document (checked when it was imported)."""
    return Form(
        document["code"],
        document["title_vi"],
        document["title_en"],
        tuple(
            Section(
                s["id"],
                s["title_vi"],
                s["title_en"],
                tuple(
                    Question(
                        q["id"],
                        q["kind"],
                        q["label_vi"],
                        q["label_en"],
                        required=bool(q.get("required", True)),
                        choices=tuple((str(v), str(vi), str(en)) for v, vi, en in q.get("choices", ())),
                        sensitive=bool(q.get("sensitive", False)),
                    )
                    for q in s["questions"]
                ),
            )
            for s in document["sections"]
        ),
    )


def is_builtin(code: str) -> bool:
    return code == BUILTIN_FORM.code
