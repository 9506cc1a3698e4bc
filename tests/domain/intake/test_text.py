from datetime import UTC, datetime

from domain.intake import InboundEmail, Mailbox, visible_text
from domain.intake.text import MAX_ANALYSED_CHARS, html_to_text, split_body


def email(body: str, *, html: bool = False) -> InboundEmail:
    return InboundEmail(
        message_id="m1",
        body=body,
        body_is_html=html,
        sender=Mailbox(address="maya.chen@northwind.example", name="Maya Chen"),
        sent_at=datetime(2026, 11, 23, 9, tzinfo=UTC),
    )


def test_html_scripts_styles_images_and_forms_are_dropped() -> None:
    html = (
        "<html><head><style>p{color:red}</style><script>alert('by Friday')</script></head>"
        "<body><p>Please draft the <b>Q1</b> budget.</p>"
        '<img src="https://track.example/pixel.gif"><iframe src="https://evil.example"></iframe>'
        '<form><input value="send by Monday"></form><!-- hidden by Tuesday --></body></html>'
    )
    text = html_to_text(html)
    assert "Please draft the Q1 budget." in " ".join(text.split())
    for leaked in ("alert", "color", "track.example", "evil", "Monday", "Tuesday"):
        assert leaked not in text


def test_inline_markup_stays_on_one_line_and_blocks_break() -> None:
    text = visible_text(
        email("<div>Hi Sam,</div><div>Send it by <b>Friday</b>&nbsp;3pm</div>", html=True)
    )
    assert [line for line in text.splitlines() if line] == ["Hi Sam,", "Send it by Friday 3pm"]


def test_lists_become_bullets() -> None:
    text = visible_text(email("<p>Done means:</p><ul><li>agenda</li><li>room</li></ul>", html=True))
    assert [line for line in text.splitlines() if line] == ["Done means:", "- agenda", "- room"]


def test_outlook_reply_history_is_cut() -> None:
    html = (
        "<div>Yes, please book the room by tomorrow.</div><div id='appendonsend'></div><hr>"
        "<div id='divRplyFwdMsg'><b>From:</b> Priya Raman &lt;priya@northwind.example&gt;<br>"
        "<b>Sent:</b> Monday<br><b>To:</b> Maya Chen<br></div><div>Send the minutes by Friday</div>"
    )
    split = split_body(html, is_html=True)
    assert split.new == "Yes, please book the room by tomorrow."
    assert "minutes" in split.quoted
    assert "priya@northwind.example" in split.quoted_from


def test_gmail_quote_and_signature_are_cut() -> None:
    html = (
        '<div dir="ltr">Go ahead.<br><div class="gmail_signature">Maya | by Friday</div></div>'
        '<div class="gmail_quote">On Mon, Maya wrote:'
        "<blockquote>old ask by Monday</blockquote></div>"
    )
    assert visible_text(email(html, html=True)) == "Go ahead."


def test_plain_text_quote_markers() -> None:
    for marker in (
        "-----Original Message-----\nFrom: Sam\nSent: Monday\n\nold",
        "________________________________\nFrom: Sam <sam@x.example>\nSent: Monday\nold",
        "From: Sam Okafor <sam@x.example>\nSent: Monday, November 23, 2026 9:00 AM\nold",
        "On Mon, 23 Nov 2026 at 09:15, Sam Okafor <sam@x.example> wrote:\n> old",
        "On Mon, 23 Nov 2026 at 09:15, Sam Okafor <sam@x.example>\nwrote:\n> old",
        "---------- Forwarded message ---------\nFrom: Sam\nold",
        "Begin forwarded message:\n\nFrom: Sam\nold",
        "> old\n> older",
        "--\nMaya Chen\nold",
        "Sent from my iPhone\nold",
    ):
        assert visible_text(email(f"New words here.\n\n{marker}")) == "New words here.", marker


def test_quoted_to_line_is_read_for_forwards() -> None:
    body = (
        "From: Maya Chen <maya.chen@northwind.example>\nSent: Friday\n"
        "To: Sam Okafor <Sam.Okafor@northwind.example>; Priya <priya@northwind.example>\n"
        "Subject: Audit\n\nSam, please do the audit."
    )
    split = split_body(body, is_html=False)
    assert split.new == ""
    assert split.quoted_to == ("sam.okafor@northwind.example", "priya@northwind.example")
    assert split.quoted.endswith("Sam, please do the audit.")


def test_text_is_capped() -> None:
    text = visible_text(email("word " * 50_000))
    assert len(text) <= MAX_ANALYSED_CHARS


def test_malformed_html_does_not_raise() -> None:
    for html in ("<div><p>unclosed", "</b></i>stray", "<<<>>>", "<script>never closed", ""):
        visible_text(email(html, html=True))
