"""The digest blog's own forms (Markdown source, saved page, copied page text), one reader each.

Every fixture here is written for these tests, with the structure of the real posts: the blog's
front matter, disclaimers, summaries, LLM notes with their own `Title:`/`Authors:` lines and
image galleries are all present, and none of them may become a paper or a problem.
"""

from __future__ import annotations

import contextlib
import signal
from collections.abc import Iterator

import pytest

from readlist import readers
from readlist.errors import InvalidInput, UnreadableFile
from readlist.models import DigestItem, ReadResult
from readlist.readers import blog_markdown, blog_text, saved_page
from readlist.readers.base import decode


def read(text: str, file: str, forced: str | None = None) -> ReadResult:
    """What an import does with a file: decode, recognise (or force) the format, read."""
    return readers.read(decode(text.encode("utf-8"), file), file, readers.reader_named(forced) if forced else None)


ABSTRACT_1 = "Sparse voxel grids store radiance only where surfaces are, and we show how to prune them online."
ABSTRACT_2 = "We distil a large talking-head model into a small one that runs on a phone at 30 frames per second."

MARKDOWN_POST = (
    """
---
title: Neural Fields
date: 2024-05-06 21:10:00
author: someone
tags:
    - Neural Fields
description: Neural Fields 方向最新论文已更新，请持续关注 Update in 2024-05-06
---

>⚠️ 以下所有内容总结都来自于 大语言模型的能力，如有错误，仅供参考，谨慎使用
>🔴 请注意：千万不要用于严肃的学术场景，只能用于论文阅读前的初筛！

# 2024-05-06 更新


## Pruning   Sparse Voxel Grids   Online for $\\mathcal{O}(n)$ Rendering

**Authors:Marta Ólafsdóttir, Jean-Luc   Moreau, and Kenji Watanabe**

"""
    + ABSTRACT_1
    + """

[PDF](http://arxiv.org/abs/2405.01234v2) Accepted by CVPR 2024. Project page:   https://example.org/voxels

**Summary**
一句话总结。

**Key Takeaways**

- 要点一
- 要点二

**[ChatPaperFree](https://example.org/chat)**

<ol>
<li>Title: A Different Paper That Is Not In This Post</li>
<li>Authors: Nobody Real, Someone Else</li>
<li>链接：https://arxiv.org/abs/2405.09999</li>
</ol>

**Authors: Not Provided**

### 摘要（Summary）

#### 研究背景：

<details>
  <summary>点此查看论文截图</summary>
<img src="https://example.org/1.jpg" align="middle">
</details>


## Tiny Talking Heads

**Authors:Ana Souza and Bo Chen**

"""
    + ABSTRACT_2
    + """

[PDF](https://arxiv.org/pdf/2405.04321)

**摘要**
蒸馏。

**关键要点**

- 小模型
"""
)


def line_of(text: str, line: str) -> int:
    return text.split("\n").index(line) + 1


def item(
    title: str, authors: list[str], abstract: str, comment: str | None, line: int, arxiv: str, **kw: str
) -> DigestItem:
    return DigestItem(
        title=title,
        authors=authors,
        abstract=abstract,
        comment=comment,
        topic=kw.get("topic", "Neural Fields"),
        date=kw.get("date", "2024-05-06"),
        line=line,
        arxiv=arxiv,
        url=f"https://arxiv.org/abs/{arxiv}",
    )


VOXELS = item(
    "Pruning Sparse Voxel Grids Online for $\\mathcal{O}(n)$ Rendering",
    ["Marta Ólafsdóttir", "Jean-Luc Moreau", "Kenji Watanabe"],
    ABSTRACT_1,
    "Accepted by CVPR 2024. Project page: https://example.org/voxels",
    line_of(MARKDOWN_POST, "## Pruning   Sparse Voxel Grids   Online for $\\mathcal{O}(n)$ Rendering"),
    "2405.01234",
)
HEADS = item(
    "Tiny Talking Heads",
    ["Ana Souza", "Bo Chen"],
    ABSTRACT_2,
    None,
    line_of(MARKDOWN_POST, "## Tiny Talking Heads"),
    "2405.04321",
)


def test_markdown_post_gives_its_papers_and_nothing_the_blog_adds() -> None:
    result = read(MARKDOWN_POST, "Neural Fields.md")

    assert result.problems == []
    assert result.items == [VOXELS, HEADS]


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        pytest.param(
            "---\ntitle: T\n---\n# 2024-05-06 更新\n\n## A Paper\n\nJust prose.\n",
            6,
            '"A Paper" has no "Authors:" paragraph below it; entry skipped',
            id="title_without_authors",
        ),
        pytest.param(
            "---\ntitle: T\n---\n# 2024-05-06 更新\n\n## A Paper\n\n**Authors:Ann Lee**\n\n[PDF](http://arxiv.org/abs/2405.00001v1)\n",
            6,
            '"A Paper" has no abstract; entry skipped',
            id="no_abstract",
        ),
        pytest.param(
            "---\ntitle: T\n---\n# 2024-13-45 更新\n\n## A Paper\n\n**Authors:Ann Lee**\n\nAbstract.\n",
            4,
            '"2024-13-45 更新" is not a valid date; the papers up to the next date are skipped',
            id="bad_date_heading",
        ),
    ],
)
def test_markdown_problems_name_their_line(text: str, line: int, message: str) -> None:
    result = read(text, "p.md")

    assert [(p.line, p.message) for p in result.problems] == [(line, message)]
    assert result.items == []


def test_a_post_that_is_no_digest_is_one_problem_not_one_per_heading() -> None:
    survey = "---\ntitle: A Survey of Splatting\n---\n\n## Introduction\n\nProse.\n\n## Background\n\nMore.\n"

    result = read(survey, "survey.md")

    assert [(p.line, p.message) for p in result.problems] == [
        (5, 'no paper listings: no heading has an "Authors:" paragraph below it (not a digest?)')
    ]


def test_markdown_problems_come_in_line_order() -> None:
    post = (
        "# 2024-05-06 更新\n\n## No Authors Here\n\nProse.\n\n"
        "## A Paper\n\n**Authors:Ann Lee**\n\n[PDF](http://arxiv.org/abs/2405.00001v1)\n\n## Late Heading\n\nText.\n"
    )

    assert [p.line for p in read(post, "p.md").problems] == [3, 7, 13]


def test_markdown_post_with_no_papers_is_fine() -> None:
    result = read("---\ntitle: Neural Fields\ndate: 2024-05-06 21:10:00\n---\n\n> nothing today\n", "empty.md")

    assert result == ReadResult()


def test_markdown_front_matter_date_dates_papers_above_any_date_heading() -> None:
    text = '---\ntitle: "Quoted: Topic"\ndate: 2024-05-07 08:00:00\n---\n\n## A Paper\n\n**Authors:Ann Lee**\n\nAbstract.\n\n[PDF](http://arxiv.org/abs/hep-th/9901070v3)\n'

    [found] = read(text, "p.md").items

    assert (found.topic, found.date, found.arxiv) == ("Quoted: Topic", "2024-05-07", "hep-th/9901070")


SAVED_PAGE = (
    """<!DOCTYPE html><html lang="zh-CN"><head><meta charset="UTF-8">
<title>Neural Fields | Someone's Digital World</title>
<meta property="og:title" content="Neural Fields">
<script>var theme = {"Authors:": "not a paper"};</script>
</head><body><div id="sidebar"><h2>Menu</h2><p><strong>Authors:Site Owner</strong></p></div>
<header id="page-header"><div id="post-info"><h1 class="post-title">Neural Fields</h1>
<div id="post-meta"><span class="post-meta-label">发表于</span>
<time class="post-meta-date-created" datetime="2024-05-06T13:10:00.000Z">2024-05-06</time></div></div></header>
<main><div id="post"><article class="post-content" id="article-container">
<blockquote><p>⚠️ 以下所有内容总结都来自于 大语言模型的能力<br>🔴 请注意：仅供参考</p></blockquote>
<h1 id="2024-05-06-更新"><a href="#2024-05-06-更新" class="headerlink" title="2024-05-06 更新"></a>2024-05-06 更新</h1>
<h2 id="Pruning"><a href="#Pruning" class="headerlink" title="Pruning   Sparse"></a>Pruning   Sparse Voxel Grids   Online for $\\mathcal{O}(n)$ Rendering</h2>
<p><strong>Authors:Marta Ólafsdóttir, Jean-Luc   Moreau, and Kenji Watanabe</strong></p>
<p>"""
    + ABSTRACT_1
    + """</p>
<p><a target="_blank" rel="noopener" href="http://arxiv.org/abs/2405.01234v2">PDF</a> Accepted by CVPR 2024. Project page:   https://example.org/voxels</p>
<p><strong>Summary</strong><br>一句话总结。</p>
<p><strong>Key Takeaways</strong></p><ul><li>要点一</li></ul>
<ol><li><p>Title: A Different Paper That Is Not In This Post</p></li><li><p>Authors: Nobody Real</p></li>
<details><summary>点此查看论文截图</summary><img src="data:image/gif;base64,R0lGOD" data-lazy-src="https://example.org/1.jpg"></details></ol>
<h2 id="Tiny"><a href="#Tiny" class="headerlink" title="Tiny Talking Heads"></a>Tiny Talking Heads</h2>
<p><strong>Authors:Ana Souza and Bo Chen</strong></p>
<p>"""
    + ABSTRACT_2
    + """</p>
<p><a href="https://arxiv.org/pdf/2405.04321">PDF</a></p>
<p><strong>摘要</strong><br>蒸馏。</p>
</article><div class="post-copyright"><span>文章作者:</span> someone</div></div>
<aside id="aside-content"><h2>Recent</h2><p>Authors: A Widget</p></aside></main>
<script src="/js/main.js"></script></body></html>
"""
)


@pytest.mark.parametrize(
    "page",
    [
        pytest.param(SAVED_PAGE, id="complete_page"),
        pytest.param(SAVED_PAGE.replace("\n", ""), id="minified_on_one_line"),
        pytest.param(
            SAVED_PAGE.replace(
                "<!DOCTYPE html>", "<!DOCTYPE html>\n<!-- saved from url=(0040)https://example.org/2024/05/06/post/ -->"
            ),
            id="saved_from_comment",
        ),
        pytest.param(SAVED_PAGE.replace(' id="article-container"', ""), id="html_only_without_the_theme_s_container"),
    ],
)
def test_saved_page_gives_the_article_s_papers_only(page: str) -> None:
    result = read(page, "index.html")

    assert result.problems == []
    assert [(i.title, i.authors, i.abstract, i.comment, i.arxiv, i.url, i.topic, i.date) for i in result.items] == [
        (i.title, i.authors, i.abstract, i.comment, i.arxiv, i.url, i.topic, i.date) for i in (VOXELS, HEADS)
    ]


def test_saved_page_problems_name_the_source_line() -> None:
    page = "<html><body><article>\n<h1>2024-05-06 更新</h1>\n<h2>Lonely Title</h2>\n<p>No authors here.</p>\n</article></body></html>"

    result = read(page, "p.html")

    assert [(p.line, p.message) for p in result.problems] == [
        (3, '"Lonely Title" has no "Authors:" paragraph below it; entry skipped')
    ]


def test_saved_page_title_falls_back_to_the_document_title_without_the_site_name() -> None:
    page = (
        "<html><head><title>Talking Heads | A Blog</title></head><body><article><h1>2024-05-06</h1>"
        "<h2>T</h2><p>Authors:Ann Lee</p><p>Abstract.</p></article></body></html>"
    )

    [found] = read(page, "p.html").items

    assert (found.topic, found.date, found.arxiv, found.url) == ("Talking Heads", "2024-05-06", None, None)


COPIED_PAGE = (
    """Neural Fields

发表于2024-05-06|更新于2024-05-07|Paper
|字数总计:3.1k|阅读时长:11分钟|阅读量:

⚠️ 以下所有内容总结都来自于 大语言模型的能力，如有错误，仅供参考，谨慎使用
🔴 请注意：千万不要用于严肃的学术场景，只能用于论文阅读前的初筛！

2024-05-06 更新

Pruning Sparse Voxel Grids Online for $\\mathcal{O}(n)$ Rendering

Authors:Marta Ólafsdóttir, Jean-Luc Moreau, and Kenji Watanabe

"""
    + ABSTRACT_1
    + """

PDF Accepted by CVPR 2024. Project page: https://example.org/voxels

Summary
一句话总结。

Key Takeaways

要点一
要点二

ChatPaperFree

Title: A Different Paper That Is Not In This Post

Authors: Nobody Real, Someone Else

标题：另一篇论文

作者：某人

点此查看论文截图

Tiny Talking Heads

Authors:Ana Souza and Bo Chen

"""
    + ABSTRACT_2
    + """

PDF

摘要
蒸馏。

Keywords: distillation, talking heads

点此查看论文截图


文章作者: someone
文章链接: https://example.org/2024/05/06/Paper/Neural-Fields/
版权声明: 本博客所有文章除特别声明外，均采用 CC BY-NC-SA 4.0 许可协议。"""
)


def test_copied_page_text_gives_its_papers_under_the_page_title() -> None:
    result = read(COPIED_PAGE, "copied.txt")

    assert result.problems == []
    assert [(i.title, i.authors, i.abstract, i.comment, i.topic, i.date, i.line) for i in result.items] == [
        (
            VOXELS.title,
            VOXELS.authors,
            ABSTRACT_1,
            VOXELS.comment,
            "Neural Fields",
            "2024-05-06",
            line_of(COPIED_PAGE, VOXELS.title),
        ),
        (
            HEADS.title,
            HEADS.authors,
            ABSTRACT_2,
            None,
            "Neural Fields",
            "2024-05-06",
            line_of(COPIED_PAGE, HEADS.title),
        ),
    ]


def test_copied_page_repeating_its_disclaimers_before_a_second_day_keeps_the_topic() -> None:
    second_day = "\n\n⚠️ 以下所有内容总结都来自于 大语言模型\n\n2024-05-07 更新\n\nA Third Paper\n\nAuthors:Ann Lee\n\nAbstract.\n"
    result = read(COPIED_PAGE.replace("\n\n\n文章作者", second_day + "\n\n文章作者"), "copied.txt")

    assert result.problems == []
    assert [(i.topic, i.date) for i in result.items][-1] == ("Neural Fields", "2024-05-07")


@pytest.mark.parametrize(
    ("text", "file", "format_name"),
    [
        pytest.param(MARKDOWN_POST, "post.md", "blog-markdown", id="markdown"),
        pytest.param(MARKDOWN_POST, "post.txt", "blog-markdown", id="markdown_with_another_name"),
        pytest.param(SAVED_PAGE, "index.html", "saved-page", id="page"),
        pytest.param(SAVED_PAGE, "page.txt", "saved-page", id="page_with_another_name"),
        pytest.param(COPIED_PAGE, "copied.txt", "blog-text", id="copied_text"),
        pytest.param(COPIED_PAGE, "copied.md", "blog-text", id="copied_text_named_md"),
        pytest.param("% my refs\n@article{k,\n  title = {T},\n}\n", "refs.txt", "bibtex", id="bibtex"),
        pytest.param("% nothing yet\n", "empty.bib", "bibtex", id="empty_bib_by_its_name"),
    ],
)
def test_formats_are_recognised_by_content(text: str, file: str, format_name: str) -> None:
    reader = readers._recognise(decode(text.encode("utf-8"), file), file)

    assert reader.name == format_name


def test_unrecognised_file_names_every_format_and_what_it_looked_for() -> None:
    with pytest.raises(UnreadableFile) as raised:
        read("Just some notes.\n\nNothing that looks like a digest.\n", "notes.md")

    message = str(raised.value)
    assert message.startswith("notes.md: not a format readlist reads (looked for ")
    for reader in readers.all_readers():
        assert f"{reader.name}: {reader.looks_for}" in message
    assert "\n" not in message


def test_format_can_be_forced() -> None:
    result = read(COPIED_PAGE, "copied.txt", forced="blog-markdown")

    assert result.items == []  # the text has no Markdown headings: nothing to read as a post


def test_unknown_format_name_lists_the_known_ones() -> None:
    with pytest.raises(InvalidInput) as raised:
        readers.reader_named("docx")

    assert raised.value.message == f"unknown format 'docx'; readlist reads {', '.join(readers.FORMAT_NAMES)}"


def test_registry_names_match_their_readers() -> None:
    assert tuple(r.name for r in readers.all_readers()) == readers.FORMAT_NAMES
    assert {r.name for r in (blog_markdown.READER, saved_page.READER, blog_text.READER)} <= set(readers.FORMAT_NAMES)


def test_control_characters_are_dropped_whatever_the_format() -> None:
    page = SAVED_PAGE.replace("Tiny Talking Heads</h2>", "Tiny \x1b]0;owned\x07Talking \u202eHeads</h2>")
    markdown = MARKDOWN_POST.replace("## Tiny Talking Heads", "## Tiny \x1b[2JTalking \u2066Heads")

    for text, file in ((page, "p.html"), (markdown, "p.md")):
        titles = [i.title for i in read(text, file).items]
        assert titles[-1] == "Tiny Talking Heads", file


class _Overran(Exception):
    pass


@contextlib.contextmanager
def deadline(seconds: int) -> Iterator[None]:
    """Fail a test that runs for `seconds`: a guard against quadratic reading, not a benchmark."""

    def overran(signum: int, frame: object) -> None:
        raise _Overran(f"still reading after {seconds} s")

    previous = signal.signal(signal.SIGALRM, overran)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


_PROSE_LINE = "sparse voxel grids store radiance only where surfaces are and we prune them online\n"


@pytest.mark.parametrize(
    ("text", "file", "papers"),
    [
        pytest.param(
            "Topic\n\n2024-01-01 更新\n\nTitle\n\nAuthors:Ann Lee\n\n" + _PROSE_LINE * 120_000,
            "prose.txt",
            1,
            id="text_abstract_of_10_MB",
        ),
        pytest.param(
            "Topic\n\n2024-01-01 更新\n\nTitle\n\nAuthors:"
            + ", ".join(f"Given{i} Family{i}" for i in range(500_000))
            + "\n\nAbstract.\n",
            "names.txt",
            1,
            id="text_author_line_of_11_MB",
        ),
        pytest.param(
            "Topic\n\n2024-01-01 更新\n\n"
            + "".join(
                f"Title {i}\n\nAuthors:Ann Lee, Bo Chen\n\nAbstract {i}.\nPDF 9 pages\n\n" for i in range(60_000)
            ),
            "many.txt",
            60_000,
            id="text_60k_papers",
        ),
        pytest.param(
            "---\ntitle: T\n---\n# 2024-01-01 更新\n\n## Title\n\n**Authors:Ann Lee**\n\n" + _PROSE_LINE * 120_000,
            "prose.md",
            1,
            id="markdown_abstract_of_10_MB",
        ),
        pytest.param(
            "<html><body><article><h1>2024-01-01</h1><h2>T</h2><p>Authors:Ann Lee</p><p>"
            + _PROSE_LINE * 120_000
            + "</p></article></body></html>",
            "prose.html",
            1,
            id="page_paragraph_of_10_MB",
        ),
    ],
)
def test_large_files_of_any_shape_are_read_in_linear_time(text: str, file: str, papers: int) -> None:
    with deadline(40):  # linear reading takes a few seconds; the quadratic reader took minutes
        result = read(text, file)

    assert len(result.items) == papers and result.problems == []
