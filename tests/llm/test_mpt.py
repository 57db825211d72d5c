"""The MPT loader: header, body trimming, strict rendering, model selection."""

from __future__ import annotations

import pytest

from apps.llm.chat import select_candidates
from apps.llm.config import FAKE_CHAT, parse_section
from apps.llm.errors import LLMConfigurationError
from apps.llm.mpt import MPT, HeaderModel, MPTFormatError


def write(tmp_path, name: str, text: str):
    path = tmp_path / f"{name}.mpt"
    path.write_text(text)
    return path


def section(name: str):
    return parse_section("test", name, {"api_key": "k"})


def test_it_reads_the_header_and_trims_the_body(tmp_path):
    path = write(
        tmp_path,
        "greet",
        "#! gpt-4o\n#! gpt4-turbo/2024-04-09\n#!mistral-large-latest\n\n\n"
        '{#- variables {"name": "Ann"} -#}\nHello {{ name }} from {{ model }}.\n\n\n',
    )

    prompt = MPT(path, name="Bob")

    assert prompt.file.header == (
        HeaderModel("gpt-4o", "latest"),
        HeaderModel("gpt4-turbo", "2024-04-09"),
        HeaderModel("mistral-large-latest", "latest"),
    )
    assert prompt.label == "greet"
    assert prompt.file.declared == {"name": "Ann"}
    assert prompt.file.variables == frozenset({"name"})
    assert prompt.render() == "Hello Bob from gpt-4o."
    assert prompt.render("mistral-large-latest") == "Hello Bob from mistral-large-latest."


def test_a_missing_variable_is_an_error_not_an_empty_string(tmp_path):
    path = write(tmp_path, "strict", "#! gpt-4o\nHello {{ name }}.\n")

    with pytest.raises(MPTFormatError, match="'name' is undefined"):
        MPT(path).render()


def test_tojson_keeps_characters_as_they_are(tmp_path):
    path = write(tmp_path, "json", "{{ data | tojson }}")

    assert MPT(path, data={"a": "<b> & é"}).render() == '{"a": "<b> & é"}'


def test_a_bad_header_line_is_refused(tmp_path):
    path = write(tmp_path, "bad", "#! /2024\nHi")

    with pytest.raises(MPTFormatError, match="invalid model line"):
        MPT(path)


def test_a_template_syntax_error_names_the_file(tmp_path):
    path = write(tmp_path, "broken", "#! gpt-4o\nHello {{ name }\n")

    with pytest.raises(MPTFormatError, match=r"broken\.mpt"):
        MPT(path)


def test_the_first_header_model_with_a_provider_wins(tmp_path):
    path = write(tmp_path, "pick", "#! gpt-4o\n#! mistral-large-latest\n#! gpt-4o-mini\nHi")
    configured = [section("openai/gpt-4o-mini"), section("mistral/mistral-large-latest")]

    candidates = select_candidates(configured, MPT(path).models)

    assert [c.config.section for c in candidates] == ["mistral/mistral-large-latest", "openai/gpt-4o-mini"]
    assert [c.template_model for c in candidates] == ["mistral-large-latest", "gpt-4o-mini"]


def test_a_forced_model_overrides_the_header(tmp_path):
    path = write(tmp_path, "forced", "#! gpt-4o\nHi")
    configured = [section("openai/gpt-4o"), section("openai/gpt-4o-mini")]

    candidates = select_candidates(configured, MPT(path).models, forced="gpt-4o-mini")

    assert [c.config.section for c in candidates] == ["openai/gpt-4o-mini"]


def test_no_provider_for_the_header_models_is_a_configuration_error(tmp_path):
    path = write(tmp_path, "none", "#! gpt-4o\nHi")

    with pytest.raises(LLMConfigurationError, match="gpt-4o"):
        select_candidates([section("mistral/mistral-tiny")], MPT(path).models)


def test_explicit_fallbacks_follow_their_section():
    primary = parse_section("test", "openai/gpt-4o", {"api_key": "k", "fallback": ["mistral/mistral-large-latest"]})
    configured = [primary, section("openai/gpt-4o-mini"), section("mistral/mistral-large-latest")]

    candidates = select_candidates(configured, ["gpt-4o", "gpt-4o-mini"])

    assert [c.config.section for c in candidates] == [
        "openai/gpt-4o",
        "mistral/mistral-large-latest",
        "openai/gpt-4o-mini",
    ]


def test_the_fake_provider_serves_any_model_and_renders_as_the_first_header_model(tmp_path):
    path = write(tmp_path, "anything", "#! gpt-4o\n#! mistral-large-latest\nHi {{ model }}")

    candidates = select_candidates([FAKE_CHAT], MPT(path).models)

    assert [(c.config.section, c.template_model) for c in candidates] == [("fake/fake", "gpt-4o")]


def test_a_nested_prompt_is_rendered_first_and_narrows_the_models(tmp_path):
    inner = write(tmp_path, "inner", "#! gpt-4o-mini\n#! mistral-large-latest\nInner for {{ model }}")
    outer = write(tmp_path, "outer", "#! gpt-4o\n#! mistral-large-latest\n#! gpt-4o-mini\n[{{ part }}]")

    prompt = MPT(outer, part=MPT(inner))

    assert prompt.models == ["mistral-large-latest", "gpt-4o-mini"]
    assert prompt.render() == "[Inner for mistral-large-latest]"


def test_nested_prompts_without_a_common_model_are_refused(tmp_path):
    inner = write(tmp_path, "inner2", "#! mistral-tiny\nInner")
    outer = write(tmp_path, "outer2", "#! gpt-4o\n{{ part }}")

    with pytest.raises(LLMConfigurationError, match="no model common"):
        _ = MPT(outer, part=MPT(inner)).models


def test_a_missing_file_is_a_configuration_error(settings, tmp_path):
    settings.LLM_PROMPTS_DIR = tmp_path

    with pytest.raises(LLMConfigurationError, match="prompt template not found"):
        MPT("chat/nope")
