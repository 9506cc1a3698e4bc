"""Inline images on the sandbox page: cid: references become data: URLs, nothing else does."""

from __future__ import annotations

from sandbox.web.safe_mail import inline_images

PNG = "iVBORw0KGgo="


def attachment(**changes: object) -> dict[str, object]:
    item: dict[str, object] = {
        "@odata.type": "#microsoft.graph.fileAttachment",
        "name": "chart.png",
        "contentType": "image/png",
        "contentBytes": PNG,
        "contentId": "chart@accord",
        "isInline": True,
    }
    item.update(changes)
    return item


def test_an_inline_image_is_shown_where_the_body_refers_to_it() -> None:
    body = '<p>Chart:</p><img src="cid:chart@accord" alt="chart">'
    shown = inline_images(body, [attachment()])
    assert f'src="data:image/png;base64,{PNG}"' in shown
    assert "cid:" not in shown


def test_content_ids_match_without_angle_brackets_or_case() -> None:
    shown = inline_images('<img src="CID:Chart@Accord">', [attachment(contentId="<chart@accord>")])
    assert "data:image/png;base64," in shown


def test_only_sound_inline_images_are_resolved() -> None:
    body = '<img src="cid:chart@accord">'
    for unsound in (
        attachment(isInline=False),
        attachment(contentType="text/html"),
        attachment(contentBytes="not base64!"),
        attachment(contentId=None),
        "not an attachment",
    ):
        assert inline_images(body, [unsound]) == body
    assert inline_images(body, None) == body
    assert inline_images(body, {"value": []}) == body
