"""Bodies in the wrong or an undeclared charset come out of a crawl as correct Unicode, no mojibake.

A crawl of pages whose charset is declared wrongly, only in <meta>, or not at all; the check is what
a researcher reads: `articles.title` and `articles.body` in SQLite.
"""

from __future__ import annotations

from pathlib import Path
from typing import NamedTuple

import pytest
from pytest_httpserver import HTTPServer

from tests.helpers import jcrawl, query

FRENCH = [
    "La Société générale a annoncé jeudi une hausse de 12 % de son bénéfice, portée par l'activité à "
    "l'étranger et par une réduction des coûts décidée l'été dernier à Alger.",
    "Selon le directeur financier, la filiale algérienne a dépassé les prévisions grâce à la reprise des "
    "crédits aux entreprises, malgré la hausse des taux décidée par la banque centrale en février.",
    "Les analystes jugent ces résultats « très encourageants » mais s'interrogent sur la durée de l'effet "
    "change, qui a représenté près d'un quart de la progression du produit net bancaire.",
]
ARABIC = [
    "أعلنت وزارة الطاقة الجزائرية يوم الخميس عن ارتفاع صادرات الغاز الطبيعي إلى أوروبا خلال الربع الأول "
    "من العام بنسبة خمسة عشر في المائة مقارنة بالفترة نفسها من العام الماضي.",
    "وقال الوزير في مؤتمر صحفي إن الشركة الوطنية سوناطراك وقعت عقودا جديدة مع شركاء من إيطاليا وإسبانيا "
    "لتزويدهم بكميات إضافية من الغاز عبر خطوط الأنابيب العابرة للبحر المتوسط.",
    "وأضاف أن الاستثمارات في حقول الجنوب ستسمح بزيادة الإنتاج في السنوات المقبلة رغم ارتفاع الاستهلاك "
    "المحلي الذي يمثل نحو نصف الإنتاج الوطني من الغاز.",
]


def page(title: str, paragraphs: list[str], lang: str, meta: str = "") -> str:
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return (
        f'<!DOCTYPE html><html lang="{lang}"><head>{meta}<title>{title}</title>'
        '<meta property="og:type" content="article"></head><body>'
        f'<article><h1 class="entry-title">{title}</h1><div class="entry-content">{body}</div></article>'
        "</body></html>"
    )


class Case(NamedTuple):
    title: str
    paragraphs: list[str]
    lang: str
    content_type: str  # the Content-Type header
    encoding: str  # of the bytes sent
    meta: str = ""  # a declaration in <head>


HTTP_EQUIV = '<meta http-equiv="Content-Type" content="text/html; charset={}">'
PAGES = {
    "/header-lies/": Case(
        "Société générale : bénéfice en hausse", FRENCH, "fr", "text/html; charset=utf-8", "latin-1"
    ),
    "/meta-only/": Case(
        "Bénéfice de la Société générale",
        FRENCH,
        "fr",
        "text/html",
        "latin-1",
        HTTP_EQUIV.format("iso-8859-1"),
    ),
    "/meta-charset-only/": Case(
        "Société générale : l'été à Alger",
        FRENCH,
        "fr",
        "text/html",
        "cp1252",
        '<meta charset="windows-1252">',
    ),
    "/undeclared-utf8/": Case("Résultats de la Société générale", FRENCH, "fr", "text/html", "utf-8"),
    "/undeclared-latin1/": Case("La Société générale à Alger", FRENCH, "fr", "text/html", "latin-1"),
    "/arabic-header/": Case(
        "صادرات الغاز الجزائرية ترتفع", ARABIC, "ar", "text/html; charset=windows-1256", "cp1256"
    ),
    "/arabic-meta/": Case(
        "سوناطراك توقع عقودا جديدة", ARABIC, "ar", "text/html", "cp1256", HTTP_EQUIV.format("windows-1256")
    ),
}


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> Path:
    server = HTTPServer(host="127.0.0.1")
    server.start()
    try:
        server.no_handler_status_code = 404
        links = "".join(f'<a href="{path}">{path}</a>' for path in PAGES)
        server.expect_request("/").respond_with_data(
            f"<html><body>{links}</body></html>", content_type="text/html"
        )
        for path, case in PAGES.items():
            body = page(case.title, case.paragraphs, case.lang, case.meta).encode(case.encoding)
            server.expect_request(path).respond_with_data(body, headers={"Content-Type": case.content_type})
        directory = tmp_path_factory.mktemp("charsets")
        result = jcrawl("crawl", server.url_for("/"), archive=directory, timeout=120)
        assert result.returncode in (0, 1), result.stderr[-3000:]
        assert "Traceback" not in result.stderr
    finally:
        server.clear()
        server.stop()
    return directory


@pytest.mark.parametrize("path", PAGES)
def test_the_stored_text_is_the_text_that_was_written(archive: Path, path: str) -> None:
    title, paragraphs = PAGES[path].title, PAGES[path].paragraphs
    rows = query(archive, "SELECT title, body FROM articles WHERE url LIKE ?", (f"%{path}",))
    assert rows, f"{path} was not stored as an article"
    [(stored_title, body)] = rows
    assert stored_title == title
    for paragraph in paragraphs:
        assert paragraph in body
    assert not any(mark in body + stored_title for mark in ("Ã", "Ø", "Ù", "\ufffd", "&#"))
