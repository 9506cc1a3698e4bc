"""The add-in's manifest: the structure Outlook requires, and the command that writes it."""

from __future__ import annotations

import uuid
import xml.etree.ElementTree as ET
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from accord.cli.main import main
from api.addin_manifest import ManifestOptions, addin_id_for, render_manifest
from api.routers.addin import _ASSETS

REPO = Path(__file__).resolve().parents[2]
COMMITTED = REPO / "docs" / "addin-manifest.xml"
# The committed manifest is the one docs/addin.md shows being generated.
EXAMPLE = ManifestOptions(
    public_url="https://accord.northwind.example",
    client_id="6a1c2b3d-0000-4000-8000-00000000acc0",
)

APP = "http://schemas.microsoft.com/office/appforoffice/1.1"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
BT = "http://schemas.microsoft.com/office/officeappbasictypes/1.0"
OVERRIDES_1_0 = "http://schemas.microsoft.com/office/mailappversionoverrides"
OVERRIDES_1_1 = "http://schemas.microsoft.com/office/mailappversionoverrides/1.1"
TYPE = f"{{{XSI}}}type"
# OfficeApp's children, in the order the schema's sequence demands (those this manifest uses).
OFFICE_APP_ORDER = [
    "Id",
    "Version",
    "ProviderName",
    "DefaultLocale",
    "DisplayName",
    "Description",
    "IconUrl",
    "HighResolutionIconUrl",
    "SupportUrl",
    "Hosts",
    "Requirements",
    "FormSettings",
    "Permissions",
    "Rule",
    "DisableEntityHighlighting",
    "VersionOverrides",
]


def q(namespace: str, name: str) -> str:
    return f"{{{namespace}}}{name}"


def text_of(root: ET.Element, path: str, namespaces: dict[str, str]) -> str:
    element = root.find(path, namespaces)
    assert element is not None, path
    return (element.text or "").strip()


def parse(data: bytes) -> ET.Element:
    # Only manifests this project renders are parsed here, never outside input.
    return ET.fromstring(data)  # noqa: S314


@pytest.fixture(scope="module")
def manifest() -> ET.Element:
    return parse(COMMITTED.read_bytes())


def test_the_committed_manifest_is_what_the_command_generates() -> None:
    assert COMMITTED.read_text(encoding="utf-8") == render_manifest(EXAMPLE)


def test_it_is_a_mail_add_in_with_the_required_elements_in_order(manifest: ET.Element) -> None:
    assert manifest.tag == q(APP, "OfficeApp")
    assert manifest.get(TYPE) == "MailApp"
    children = [child.tag.rpartition("}")[2] for child in manifest]
    assert children == OFFICE_APP_ORDER
    ns = {"o": APP}
    assert uuid.UUID(text_of(manifest, "o:Id", ns)) == uuid.UUID(addin_id_for(EXAMPLE.public_url))
    assert text_of(manifest, "o:Version", ns) == "1.0.0.0"
    assert text_of(manifest, "o:DefaultLocale", ns) == "en-US"
    display = manifest.find("o:DisplayName", ns)
    description = manifest.find("o:Description", ns)
    assert display is not None
    assert description is not None
    assert 0 < len(display.get("DefaultValue", "")) <= 125
    assert 0 < len(description.get("DefaultValue", "")) <= 250
    hosts = manifest.findall("o:Hosts/o:Host", ns)
    assert [host.get("Name") for host in hosts] == ["Mailbox"]
    sets = manifest.findall("o:Requirements/o:Sets/o:Set", ns)
    assert [(s.get("Name"), s.get("MinVersion")) for s in sets] == [("Mailbox", "1.1")]


def test_it_asks_for_the_item_only_and_opens_on_read_and_compose(manifest: ET.Element) -> None:
    ns = {"o": APP}
    assert text_of(manifest, "o:Permissions", ns) == "ReadWriteItem"
    rules = manifest.findall("o:Rule/o:Rule", ns)
    assert {(rule.get("ItemType"), rule.get("FormType")) for rule in rules} == {
        ("Message", "Read"),
        ("Message", "Edit"),
    }
    forms = manifest.findall("o:FormSettings/o:Form", ns)
    assert [form.get(TYPE) for form in forms] == ["ItemRead", "ItemEdit"]
    for form in forms:
        source = form.find("o:DesktopSettings/o:SourceLocation", ns)
        assert source is not None
        assert source.get("DefaultValue") == f"{EXAMPLE.public_url}/addin/taskpane.html"


def _overrides(manifest: ET.Element) -> tuple[ET.Element, ET.Element]:
    outer = manifest.find(q(OVERRIDES_1_0, "VersionOverrides"))
    assert outer is not None
    assert outer.get(TYPE) == "VersionOverridesV1_0"
    inner = outer.find(q(OVERRIDES_1_1, "VersionOverrides"))
    assert inner is not None
    assert inner.get(TYPE) == "VersionOverridesV1_1"
    return outer, inner


@pytest.mark.parametrize(("version", "minimum"), [("1.0", "1.3"), ("1.1", "1.5")])
def test_each_version_override_has_buttons_on_read_and_compose(
    manifest: ET.Element, version: str, minimum: str
) -> None:
    outer, inner = _overrides(manifest)
    overrides, namespace = (outer, OVERRIDES_1_0) if version == "1.0" else (inner, OVERRIDES_1_1)
    ns = {"v": namespace, "bt": BT}
    requirement = overrides.find("v:Requirements/bt:Sets", ns)
    assert requirement is not None
    assert requirement.get("DefaultMinVersion") == minimum
    assert [s.get("Name") for s in requirement.findall("bt:Set", ns)] == ["Mailbox"]
    desktop = overrides.find("v:Hosts/v:Host/v:DesktopFormFactor", ns)
    assert desktop is not None
    assert desktop[0].tag == q(namespace, "FunctionFile")
    points = desktop.findall("v:ExtensionPoint", ns)
    assert [point.get(TYPE) for point in points] == [
        "MessageReadCommandSurface",
        "MessageComposeCommandSurface",
    ]
    for point in points:
        button = point.find("v:OfficeTab/v:Group/v:Control", ns)
        assert button is not None
        assert button.get(TYPE) == "Button"
        sizes = [image.get("size") for image in button.findall("v:Icon/bt:Image", ns)]
        assert sizes == ["16", "32", "80"]
        action = button.find("v:Action", ns)
        assert action is not None
        assert action.get(TYPE) == "ShowTaskpane"

    # Every resid used is defined once in this override's own Resources (no inheritance).
    defined = [
        element.get("id")
        for element in overrides.findall("v:Resources/*/*", ns)
        if element.get("id") is not None
    ]
    assert len(defined) == len(set(defined))
    used = {
        element.get("resid")
        for element in _own_elements(overrides, inner if overrides is outer else None)
        if element.get("resid")
    }
    assert used <= set(defined)
    assert all(len(identifier or "") <= 32 for identifier in set(defined) | used)
    ids = [element.get("id") for element in overrides.iter() if element.get("id")]
    assert all(len(identifier or "") <= 125 for identifier in ids)


def _own_elements(root: ET.Element, nested: ET.Element | None) -> list[ET.Element]:
    skip = set(nested.iter()) if nested is not None else set()
    return [element for element in root.iter() if element not in skip]


def test_single_sign_on_is_declared_for_accords_own_domain(manifest: ET.Element) -> None:
    _outer, inner = _overrides(manifest)
    ns = {"v": OVERRIDES_1_1}
    info = inner.find("v:WebApplicationInfo", ns)
    assert info is not None
    assert text_of(info, "v:Id", ns) == EXAMPLE.client_id
    resource = text_of(info, "v:Resource", ns)
    assert resource == f"api://accord.northwind.example/{EXAMPLE.client_id}"
    assert list(inner)[-1] is info  # after Resources, as the schema's sequence demands


def test_every_url_is_https_on_the_deployment_and_served_by_the_api(
    manifest: ET.Element,
) -> None:
    urls = [
        value
        for element in manifest.iter()
        for value in [element.get("DefaultValue")]
        if value and value.startswith(("http://", "https://"))
    ]
    assert len(urls) >= 10
    served = {f"/addin/{name}" for name in _ASSETS} | {"/addin/taskpane.html", "/docs"}
    for url in urls:
        parts = urlsplit(url)
        assert parts.scheme == "https", url
        assert parts.netloc == "accord.northwind.example", url
        assert parts.path in served, url


def test_a_deployment_keeps_its_add_in_id_and_another_gets_its_own() -> None:
    assert addin_id_for("https://accord.contoso.example/") == addin_id_for(
        "https://accord.contoso.example"
    )
    assert addin_id_for("https://accord.contoso.example") != addin_id_for(
        "https://accord.fabrikam.example"
    )


@pytest.mark.parametrize(
    ("public_url", "client_id", "reason"),
    [
        ("http://accord.contoso.example", EXAMPLE.client_id, "https"),
        ("https://accord.contoso.example?x=1", EXAMPLE.client_id, "query"),
        ("https://accord.contoso.example", "accord", "GUID"),
    ],
)
def test_rendering_refuses_what_outlook_would_not_load(
    public_url: str, client_id: str, reason: str
) -> None:
    with pytest.raises(ValueError, match=reason):
        render_manifest(ManifestOptions(public_url=public_url, client_id=client_id))


def test_a_path_prefix_is_kept_in_every_url() -> None:
    xml = render_manifest(
        ManifestOptions(
            public_url="https://apps.contoso.example/accord/", client_id=EXAMPLE.client_id
        )
    )

    assert "https://apps.contoso.example/accord/addin/taskpane.html" in xml
    assert f"api://apps.contoso.example/{EXAMPLE.client_id}" in xml


def test_the_command_writes_a_manifest_for_the_given_address(tmp_path: Path) -> None:
    out = tmp_path / "manifest.xml"

    code = main(
        [
            "addin-manifest",
            "--public-url",
            "https://accord.contoso.example",
            "--client-id",
            EXAMPLE.client_id,
            "--version",
            "1.0.1.0",
            "--output",
            str(out),
        ]
    )

    assert code == 0
    root = parse(out.read_bytes())
    assert text_of(root, "o:Version", {"o": APP}) == "1.0.1.0"
    assert "https://accord.contoso.example/addin/icon-64.png" in out.read_text()


@pytest.mark.parametrize(
    "arguments",
    [
        ["--public-url", "https://accord.contoso.example"],
        ["--public-url", "http://127.0.0.1:8000", "--client-id", EXAMPLE.client_id],
    ],
)
def test_the_command_explains_what_is_missing(
    tmp_path: Path, arguments: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("ACCORD_ADDIN_CLIENT_ID", raising=False)
    out = tmp_path / "manifest.xml"

    assert main(["addin-manifest", *arguments, "--output", str(out)]) == 2
    assert not out.exists()
