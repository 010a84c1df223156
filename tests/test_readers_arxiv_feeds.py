"""arXiv's own XML, one reader for every shape: rss.arxiv.org's RSS 2.0 and Atom, the older RSS 1.0,
and the answers of the search API.

Every fixture here is written for these tests (titles, abstracts and names are invented), in the
structure arXiv documents for its feeds (info.arxiv.org/help/rss_specifications.html,
atom_specifications.html, api/user-manual.html) and serves in real files.
"""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from readlist import readers
from readlist.errors import UnreadableFile
from readlist.models import DigestItem, ReadResult
from readlist.readers import arxiv_feed
from readlist.readers.base import decode

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


def read(text: str, file: str = "feed.xml", forced: str | None = None) -> ReadResult:
    """What an import does with a file: decode, recognise (or force) the format, read."""
    return readers.read(decode(text.encode("utf-8"), file), file, readers.reader_named(forced) if forced else None)


def lines_of(text: str, start: str) -> list[int]:
    """The 1-based lines that open with `start` (after indentation)."""
    return [number for number, line in enumerate(text.split("\n"), 1) if line.lstrip().startswith(start)]


RSS = """<?xml version='1.0' encoding='UTF-8'?>
<rss xmlns:arxiv="http://arxiv.org/schemas/atom" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:atom="http://www.w3.org/2005/Atom" xmlns:content="http://purl.org/rss/1.0/modules/content/" version="2.0">
  <channel>
    <title>cs.CV updates on arXiv.org</title>
    <link>http://rss.arxiv.org/rss/cs.CV</link>
    <description>cs.CV updates on the arXiv.org e-print archive.</description>
    <atom:link href="http://rss.arxiv.org/rss/cs.CV" rel="self" type="application/rss+xml"/>
    <docs>http://www.rssboard.org/rss-specification</docs>
    <language>en-us</language>
    <lastBuildDate>Fri, 10 May 2024 04:30:12 +0000</lastBuildDate>
    <managingEditor>rss-help@arxiv.org</managingEditor>
    <pubDate>Fri, 10 May 2024 00:00:00 -0400</pubDate>
    <skipDays>
      <day>Saturday</day>
      <day>Sunday</day>
    </skipDays>
    <item>
      <title>Pruning Sparse Voxel Grids   Online for Real-Time Rendering</title>
      <link>https://arxiv.org/abs/2405.06101</link>
      <description>arXiv:2405.06101v1 Announce Type: new\x20
Abstract: Sparse voxel grids store radiance only where surfaces are. We prune them
online while training, which halves memory and keeps 60 frames per second.</description>
      <guid isPermaLink="false">oai:arXiv.org:2405.06101v1</guid>
      <category>cs.CV</category>
      <category>cs.GR</category>
      <pubDate>Fri, 10 May 2024 00:00:00 -0400</pubDate>
      <arxiv:announce_type>new</arxiv:announce_type>
      <dc:rights>http://creativecommons.org/licenses/by/4.0/</dc:rights>
      <dc:creator>Marta Ólafsdóttir, Jean-Luc   Moreau, Kenji Watanabe</dc:creator>
    </item>
    <item>
      <title>Calibrated Uncertainty for Monocular Depth under Domain Shift</title>
      <link>https://arxiv.org/abs/2405.06202</link>
      <description>arXiv:2405.06202v1 Announce Type: cross\x20
Abstract: We keep the calibration error below 2% when fewer than n &lt; 100 target images are labelled.</description>
      <guid isPermaLink="false">oai:arXiv.org:2405.06202v1</guid>
      <category>cs.LG</category>
      <category>cs.CV</category>
      <pubDate>Fri, 10 May 2024 00:00:00 -0400</pubDate>
      <arxiv:announce_type>cross</arxiv:announce_type>
      <dc:rights>http://arxiv.org/licenses/nonexclusive-distrib/1.0/</dc:rights>
      <arxiv:DOI>10.1109/TPAMI.2024.0000001</arxiv:DOI>
      <arxiv:journal_reference>IEEE Trans. Pattern Anal. Mach. Intell. 46 (2024) 1-14</arxiv:journal_reference>
      <dc:creator>Ana Souza and Bo Chen</dc:creator>
    </item>
    <item>
      <title>Tiny Talking Heads</title>
      <link>https://arxiv.org/abs/2311.09876</link>
      <description>arXiv:2311.09876v3 Announce Type: replace</description>
      <guid isPermaLink="false">oai:arXiv.org:2311.09876v3</guid>
      <category>cs.CV</category>
      <pubDate>Fri, 10 May 2024 00:00:00 -0400</pubDate>
      <arxiv:announce_type>replace</arxiv:announce_type>
      <dc:rights>http://creativecommons.org/licenses/by-sa/4.0/</dc:rights>
      <dc:creator>Ana Souza, Bo Chen</dc:creator>
    </item>
    <item>
      <title>Edge Maps as a Prior for Shape from Shading</title>
      <link>https://arxiv.org/abs/cs/0112017</link>
      <description>arXiv:cs/0112017v4 Announce Type: replace-cross\x20
Abstract: An old paper, revised: edge maps constrain the surface normals that shading leaves open.</description>
      <guid isPermaLink="false">oai:arXiv.org:cs/0112017v4</guid>
      <category>cs.AI</category>
      <category>cs.CV</category>
      <pubDate>Fri, 10 May 2024 00:00:00 -0400</pubDate>
      <arxiv:announce_type>replace-cross</arxiv:announce_type>
      <dc:rights>http://arxiv.org/licenses/nonexclusive-distrib/1.0/</dc:rights>
      <dc:creator>Hiroshi Nakamura</dc:creator>
    </item>
  </channel>
</rss>
"""

RSS_ITEMS = [
    DigestItem(
        title="Pruning Sparse Voxel Grids Online for Real-Time Rendering",
        authors=["Marta Ólafsdóttir", "Jean-Luc Moreau", "Kenji Watanabe"],
        abstract="Sparse voxel grids store radiance only where surfaces are. We prune them online while training, "
        "which halves memory and keeps 60 frames per second.",
        comment=None,
        topic="cs.CV",
        date="2024-05-10",
        line=lines_of(RSS, "<item>")[0],
        arxiv="2405.06101",
        url="https://arxiv.org/abs/2405.06101",
        categories=("cs.CV", "cs.GR"),
    ),
    DigestItem(
        title="Calibrated Uncertainty for Monocular Depth under Domain Shift",
        authors=["Ana Souza", "Bo Chen"],
        abstract="We keep the calibration error below 2% when fewer than n < 100 target images are labelled.",
        comment=None,
        topic="cs.CV",
        date="2024-05-10",
        line=lines_of(RSS, "<item>")[1],
        arxiv="2405.06202",
        url="https://arxiv.org/abs/2405.06202",
        categories=("cs.LG", "cs.CV"),
        doi="10.1109/TPAMI.2024.0000001",
        journal_ref="IEEE Trans. Pattern Anal. Mach. Intell. 46 (2024) 1-14",
    ),
    DigestItem(
        title="Tiny Talking Heads",
        authors=["Ana Souza", "Bo Chen"],
        abstract="",
        comment=None,
        topic="cs.CV",
        date="2024-05-10",
        line=lines_of(RSS, "<item>")[2],
        arxiv="2311.09876",
        url="https://arxiv.org/abs/2311.09876",
        categories=("cs.CV",),
        partial=True,  # a replacement announced without its abstract gives only what it carries
    ),
    DigestItem(
        title="Edge Maps as a Prior for Shape from Shading",
        authors=["Hiroshi Nakamura"],
        abstract="An old paper, revised: edge maps constrain the surface normals that shading leaves open.",
        comment=None,
        topic="cs.CV",
        date="2024-05-10",
        line=lines_of(RSS, "<item>")[3],
        arxiv="cs/0112017",
        url="https://arxiv.org/abs/cs/0112017",
        categories=("cs.AI", "cs.CV"),
    ),
]

ATOM = """<?xml version='1.0' encoding='UTF-8'?>
<feed xmlns="http://www.w3.org/2005/Atom" xmlns:arxiv="http://arxiv.org/schemas/atom" xmlns:dc="http://purl.org/dc/elements/1.1/" xml:lang="en-us">
  <id>http://rss.arxiv.org/atom/math.AG</id>
  <title>math.AG updates on arXiv.org</title>
  <updated>2024-05-13T04:30:09.112233+00:00</updated>
  <link href="http://rss.arxiv.org/atom/math.AG" rel="self" type="application/atom+xml"/>
  <subtitle>math.AG updates on the arXiv.org e-print archive.</subtitle>
  <entry>
    <id>oai:arXiv.org:2405.07303v1</id>
    <title>Counting Lines on Cubic Surfaces over Finite Fields</title>
    <updated>2024-05-13T04:30:09.112300+00:00</updated>
    <link href="https://arxiv.org/abs/2405.07303" rel="alternate" type="text/html"/>
    <summary>arXiv:2405.07303v1 Announce Type: new\x20
Abstract: We count the lines on a smooth cubic surface over $\\mathbb{F}_q$ by the action of Frobenius
on the 27 lines.</summary>
    <category term="math.AG"/>
    <category term="math.NT"/>
    <published>2024-05-13T00:00:00-04:00</published>
    <arxiv:announce_type>new</arxiv:announce_type>
    <dc:rights>http://creativecommons.org/licenses/by/4.0/</dc:rights>
    <dc:creator>Ingrid Halvorsen, Tomás Ruiz-Peña</dc:creator>
  </entry>
  <entry>
    <id>oai:arXiv.org:math.AG/0601001v3</id>
    <title>Moduli of Stable Curves,
      Revisited</title>
    <updated>2024-05-13T04:30:09.112400+00:00</updated>
    <link href="https://arxiv.org/abs/math.AG/0601001" rel="alternate" type="text/html"/>
    <summary>arXiv:math.AG/0601001v3 Announce Type: replace\x20
Abstract: A corrected proof of the boundary formula.</summary>
    <category term="math.AG"/>
    <published>2024-05-13T00:00:00-04:00</published>
    <arxiv:announce_type>replace</arxiv:announce_type>
    <dc:rights>http://arxiv.org/licenses/nonexclusive-distrib/1.0/</dc:rights>
    <arxiv:journal_reference>J. Algebraic Geom. 17 (2008) 101-130</arxiv:journal_reference>
    <arxiv:DOI>10.1090/S1056-3911-07-00000-0</arxiv:DOI>
    <dc:creator>Ingrid Halvorsen</dc:creator>
  </entry>
</feed>
"""

ATOM_ITEMS = [
    DigestItem(
        title="Counting Lines on Cubic Surfaces over Finite Fields",
        authors=["Ingrid Halvorsen", "Tomás Ruiz-Peña"],
        abstract="We count the lines on a smooth cubic surface over $\\mathbb{F}_q$ by the action of Frobenius on "
        "the 27 lines.",
        comment=None,
        topic="math.AG",
        date="2024-05-13",
        line=lines_of(ATOM, "<entry>")[0],
        arxiv="2405.07303",
        url="https://arxiv.org/abs/2405.07303",
        categories=("math.AG", "math.NT"),
    ),
    DigestItem(
        title="Moduli of Stable Curves, Revisited",
        authors=["Ingrid Halvorsen"],
        abstract="A corrected proof of the boundary formula.",
        comment=None,
        topic="math.AG",
        date="2024-05-13",
        line=lines_of(ATOM, "<entry>")[1],
        arxiv="math.AG/0601001",
        url="https://arxiv.org/abs/math.AG/0601001",
        categories=("math.AG",),
        doi="10.1090/S1056-3911-07-00000-0",
        journal_ref="J. Algebraic Geom. 17 (2008) 101-130",
    ),
]

RSS_1_0 = """<?xml version="1.0" encoding="UTF-8"?>

<rdf:RDF
 xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"
 xmlns="http://purl.org/rss/1.0/"
 xmlns:content="http://purl.org/rss/1.0/modules/content/"
 xmlns:taxo="http://purl.org/rss/1.0/modules/taxonomy/"
 xmlns:dc="http://purl.org/dc/elements/1.1/"
 xmlns:syn="http://purl.org/rss/1.0/modules/syndication/"
 xmlns:admin="http://webns.net/mvcb/"
>

<channel rdf:about="http://arxiv.org/">
<title>cs.CV updates on arXiv.org</title>
<link>http://arxiv.org/</link>
<description rdf:parseType="Literal">Computer Science -- Computer Vision and Pattern Recognition (cs.CV) updates on the arXiv.org e-print archive</description>
<dc:language>en-us</dc:language>
<dc:date>2023-12-20T20:30:00-05:00</dc:date>
<dc:publisher>help@arxiv.org</dc:publisher>
<dc:subject>Computer Science -- Computer Vision and Pattern Recognition</dc:subject>
<syn:updateBase>1901-01-01T00:00+00:00</syn:updateBase>
<syn:updateFrequency>1</syn:updateFrequency>
<syn:updatePeriod>daily</syn:updatePeriod>
<items>
 <rdf:Seq>
  <rdf:li rdf:resource="http://arxiv.org/abs/2312.11111" />
  <rdf:li rdf:resource="http://arxiv.org/abs/1507.00001" />
  <rdf:li rdf:resource="http://arxiv.org/abs/2312.12222" />
 </rdf:Seq>
</items>
<image rdf:resource="http://arxiv.org/icons/sfx.gif" />
</channel>
<image rdf:about="http://arxiv.org/icons/sfx.gif">
<title>arXiv.org</title>
<url>http://arxiv.org/icons/sfx.gif</url>
<link>http://arxiv.org/</link>
</image>
<item rdf:about="http://arxiv.org/abs/2312.11111">
<title>Depth from Defocus with Event Cameras. (arXiv:2312.11111v1 [cs.CV])</title>
<link>http://arxiv.org/abs/2312.11111</link>
<description rdf:parseType="Literal">&lt;p&gt;Event cameras report brightness changes, not frames. We recover depth
from the defocus they see, with an error below 2% for depths $d&amp;lt;5$ m.
&lt;/p&gt;
</description>
<dc:creator> &lt;a href=&quot;http://arxiv.org/find/cs/1/au:+Nakamura_H/0/1/0/all/0/1&quot;&gt;Hiroshi Nakamura&lt;/a&gt;, &lt;a href=&quot;http://arxiv.org/find/cs/1/au:+Lefevre_E/0/1/0/all/0/1&quot;&gt;&amp;#xc9;lodie Lefèvre&lt;/a&gt;</dc:creator>
</item>
<item rdf:about="http://arxiv.org/abs/1507.00001">
<title>Self-Supervised Stereo Matching, Revisited. (arXiv:1507.00001v2 [cs.CV] UPDATED)</title>
<link>http://arxiv.org/abs/1507.00001</link>
<description rdf:parseType="Literal">&lt;p&gt;We revisit stereo matching trained without ground truth.
&lt;/p&gt;
</description>
<dc:creator> &lt;a href=&quot;http://arxiv.org/find/cs/1/au:+Okafor_G/0/1/0/all/0/1&quot;&gt;Grace Okafor&lt;/a&gt; (for the OpenStereo Collaboration)</dc:creator>
</item>
<item rdf:about="http://arxiv.org/abs/2312.12222">
<title>Learned Image Compression at the Edge. (arXiv:2312.12222v1 [eess.IV] CROSS LISTED)</title>
<link>http://arxiv.org/abs/2312.12222</link>
<description rdf:parseType="Literal">&lt;p&gt;A codec small enough for a camera's own chip.
&lt;/p&gt;
</description>
<dc:creator> &lt;a href=&quot;http://arxiv.org/find/eess/1/au:+Chen_B/0/1/0/all/0/1&quot;&gt;Bo Chen&lt;/a&gt;, et al. (12 additional authors not shown)</dc:creator>
</item>
</rdf:RDF>
"""


def legacy_item(title: str, authors: list[str], abstract: str, arxiv_id: str, category: str, n: int) -> DigestItem:
    return DigestItem(
        title=title,
        authors=authors,
        abstract=abstract,
        comment=None,
        topic="cs.CV",
        date="2023-12-20",
        line=lines_of(RSS_1_0, "<item ")[n],
        arxiv=arxiv_id,
        url=f"https://arxiv.org/abs/{arxiv_id}",
        categories=(category,),
    )


RSS_1_0_ITEMS = [
    legacy_item(
        "Depth from Defocus with Event Cameras",
        ["Hiroshi Nakamura", "Élodie Lefèvre"],
        "Event cameras report brightness changes, not frames. We recover depth from the defocus they see, with an "
        "error below 2% for depths $d<5$ m.",
        "2312.11111",
        "cs.CV",
        0,
    ),
    legacy_item(
        "Self-Supervised Stereo Matching, Revisited",
        ["Grace Okafor"],
        "We revisit stereo matching trained without ground truth.",
        "1507.00001",
        "cs.CV",
        1,
    ),
    legacy_item(
        "Learned Image Compression at the Edge",
        ["Bo Chen", "et al."],
        "A codec small enough for a camera's own chip.",
        "2312.12222",
        "eess.IV",
        2,
    ),
]

API = """<?xml version="1.0" encoding="UTF-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <link href="http://arxiv.org/api/query?search_query%3Dti%3Agaussian%20AND%20%28cat%3Acs.CV%20OR%20cat%3Ahep-th%29%26id_list%3D%26start%3D0%26max_results%3D2" rel="self" type="application/atom+xml"/>
  <title type="html">ArXiv Query: search_query=ti:gaussian AND (cat:cs.CV OR cat:hep-th)&amp;id_list=&amp;start=0&amp;max_results=2</title>
  <id>http://arxiv.org/api/q0nCq2cZ1Vd8m6lFh4Yw0pS5r7E</id>
  <updated>2024-05-12T00:00:00-04:00</updated>
  <opensearch:totalResults xmlns:opensearch="http://a9.com/-/spec/opensearch/1.1/">57</opensearch:totalResults>
  <opensearch:startIndex xmlns:opensearch="http://a9.com/-/spec/opensearch/1.1/">0</opensearch:startIndex>
  <opensearch:itemsPerPage xmlns:opensearch="http://a9.com/-/spec/opensearch/1.1/">2</opensearch:itemsPerPage>
  <entry>
    <id>http://arxiv.org/abs/2405.06404v2</id>
    <updated>2024-05-11T09:12:40Z</updated>
    <published>2024-05-09T17:58:03Z</published>
    <title>Gaussian Splatting for Endoscopic Scenes with
  Specular Highlights</title>
    <summary>  Endoscopic video is full of specular highlights that move with the light
source. We model them as a view-dependent Gaussian component and render
clean tissue at 120 frames per second.
</summary>
    <author>
      <name>Søren Kierkegaard-Lund</name>
    </author>
    <author>
      <name>Priya Raman</name>
      <arxiv:affiliation xmlns:arxiv="http://arxiv.org/schemas/atom">Example University</arxiv:affiliation>
    </author>
    <arxiv:doi xmlns:arxiv="http://arxiv.org/schemas/atom">10.1016/j.media.2024.103210</arxiv:doi>
    <link title="doi" href="http://dx.doi.org/10.1016/j.media.2024.103210" rel="related"/>
    <arxiv:comment xmlns:arxiv="http://arxiv.org/schemas/atom">12 pages, 7 figures; accepted
  at MICCAI 2024</arxiv:comment>
    <arxiv:journal_ref xmlns:arxiv="http://arxiv.org/schemas/atom">Medical Image Analysis 95
  (2024) 103210</arxiv:journal_ref>
    <link href="http://arxiv.org/abs/2405.06404v2" rel="alternate" type="text/html"/>
    <link title="pdf" href="http://arxiv.org/pdf/2405.06404v2" rel="related" type="application/pdf"/>
    <arxiv:primary_category xmlns:arxiv="http://arxiv.org/schemas/atom" term="cs.CV" scheme="http://arxiv.org/schemas/atom"/>
    <category term="cs.CV" scheme="http://arxiv.org/schemas/atom"/>
    <category term="eess.IV" scheme="http://arxiv.org/schemas/atom"/>
  </entry>
  <entry>
    <id>http://arxiv.org/abs/hep-th/9901070v3</id>
    <updated>1999-03-02T11:20:00Z</updated>
    <published>1999-01-14T16:40:12Z</published>
    <title>Gaussian Wave Packets on a Compact Extra Dimension</title>
    <summary>  We follow a Gaussian wave packet around a circle of radius R.
</summary>
    <author>
      <name>Lars Øberg</name>
    </author>
    <link href="http://arxiv.org/abs/hep-th/9901070v3" rel="alternate" type="text/html"/>
    <link title="pdf" href="http://arxiv.org/pdf/hep-th/9901070v3" rel="related" type="application/pdf"/>
    <arxiv:primary_category xmlns:arxiv="http://arxiv.org/schemas/atom" term="hep-th" scheme="http://arxiv.org/schemas/atom"/>
    <category term="hep-th" scheme="http://arxiv.org/schemas/atom"/>
    <category term="gr-qc" scheme="http://arxiv.org/schemas/atom"/>
  </entry>
</feed>
"""

API_ITEMS = [
    DigestItem(
        title="Gaussian Splatting for Endoscopic Scenes with Specular Highlights",
        authors=["Søren Kierkegaard-Lund", "Priya Raman"],
        abstract="Endoscopic video is full of specular highlights that move with the light source. We model them as "
        "a view-dependent Gaussian component and render clean tissue at 120 frames per second.",
        comment="12 pages, 7 figures; accepted at MICCAI 2024",
        topic="cs.CV, hep-th",
        date="2024-05-09",
        line=lines_of(API, "<entry>")[0],
        arxiv="2405.06404",
        url="https://arxiv.org/abs/2405.06404",
        categories=("cs.CV", "eess.IV"),
        doi="10.1016/j.media.2024.103210",
        journal_ref="Medical Image Analysis 95 (2024) 103210",
    ),
    DigestItem(
        title="Gaussian Wave Packets on a Compact Extra Dimension",
        authors=["Lars Øberg"],
        abstract="We follow a Gaussian wave packet around a circle of radius R.",
        comment=None,
        topic="cs.CV, hep-th",
        date="1999-01-14",
        line=lines_of(API, "<entry>")[1],
        arxiv="hep-th/9901070",
        url="https://arxiv.org/abs/hep-th/9901070",
        categories=("hep-th", "gr-qc"),
    ),
]


def daily(items: list[DigestItem]) -> list[DigestItem]:
    """A day's feed never carries arXiv's comment: its listings say so (the API's do carry it)."""
    return [replace(item, lacks=("comment",)) for item in items]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param(RSS, daily(RSS_ITEMS), id="rss_2_0_new_cross_replace_and_an_old_id"),
        pytest.param(ATOM, daily(ATOM_ITEMS), id="atom_from_rss_arxiv_org"),
        pytest.param(RSS_1_0, daily(RSS_1_0_ITEMS), id="legacy_rss_1_0"),
        pytest.param(API, API_ITEMS, id="api_answer_with_wrapped_title_and_every_optional_field"),
    ],
)
def test_every_shape_gives_its_papers(text: str, expected: list[DigestItem]) -> None:
    result = read(text)

    assert result.problems == []
    assert result.items == expected


def test_lines_still_match_the_file_when_it_opens_with_blank_lines() -> None:
    result = read("\n\n" + RSS)

    assert result.problems == []
    assert [item.line for item in result.items] == [item.line + 2 for item in RSS_ITEMS]


def test_api_answer_without_categories_in_its_query_has_no_topic() -> None:
    text = API.replace("ti:gaussian AND (cat:cs.CV OR cat:hep-th)", "").replace(
        "ti%3Agaussian%20AND%20%28cat%3Acs.CV%20OR%20cat%3Ahep-th%29", ""
    )
    text = text.replace("search_query=&amp;id_list=", "search_query=&amp;id_list=2405.06404,hep-th/9901070")

    assert {item.topic for item in read(text).items} == {""}


ITEM = """<?xml version="1.0" encoding="UTF-8"?>
<rss xmlns:dc="http://purl.org/dc/elements/1.1/" version="2.0">
<channel>
<title>cs.CV updates on arXiv.org</title>
<pubDate>Mon, 13 May 2024 00:00:00 -0400</pubDate>
{item}
</channel>
</rss>
"""


@pytest.mark.parametrize(
    ("item", "arxiv_id"),
    [
        pytest.param("<link>http://arxiv.org/abs/hep-th/9901070v3</link>", "hep-th/9901070", id="old_id_in_a_link"),
        pytest.param(
            '<guid isPermaLink="false">oai:arXiv.org:math.AG/0601001v1</guid>',
            "math.AG/0601001",
            id="old_id_with_subject_class_in_a_guid",
        ),
        pytest.param(
            "<description>arXiv:2405.00001v2 Announce Type: new \nAbstract: A.</description>",
            "2405.00001",
            id="id_in_the_description_only",
        ),
        pytest.param("<link>https://arxiv.org/pdf/2405.00002v1</link>", "2405.00002", id="pdf_link"),
        pytest.param("<link>https://arxiv.org/abs/0704.0001</link>", "0704.0001", id="first_new_style_id"),
    ],
)
def test_arxiv_ids_in_every_form_lose_their_version(item: str, arxiv_id: str) -> None:
    text = ITEM.format(item=f"<item><title>T</title>{item}<dc:creator>Ann Lee</dc:creator></item>")

    [found] = read(text).items

    assert (found.arxiv, found.url) == (arxiv_id, f"https://arxiv.org/abs/{arxiv_id}")


GOOD_ITEM = (
    "<item><title>Good</title><link>https://arxiv.org/abs/2405.00009</link><dc:creator>Ann Lee</dc:creator></item>"
)


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        pytest.param(
            "<item><link>https://arxiv.org/abs/2405.00001</link><dc:creator>Ann Lee</dc:creator></item>",
            "<item> has no title; entry skipped",
            id="item_missing_its_title",
        ),
        pytest.param(
            "<item><title>No Link</title><link>https://example.org/paper</link><dc:creator>Ann Lee</dc:creator></item>",
            '"No Link" has no arXiv id (no arxiv.org link or oai:arXiv.org id); entry skipped',
            id="item_without_an_arxiv_id",
        ),
        pytest.param(
            "<item><title>Nobody Wrote This</title><link>https://arxiv.org/abs/2405.00002</link></item>",
            '"Nobody Wrote This" has no authors; entry skipped',
            id="item_without_authors",
        ),
    ],
)
def test_each_malformed_item_is_a_problem_at_its_line_and_the_rest_is_read(bad: str, message: str) -> None:
    text = ITEM.format(item=f"{GOOD_ITEM}\n{bad}\n{GOOD_ITEM.replace('00009', '00010')}")

    result = read(text)

    assert [(p.line, p.message) for p in result.problems] == [(7, message)]
    assert [item.arxiv for item in result.items] == ["2405.00009", "2405.00010"]


def test_an_item_dates_itself_when_the_feed_gives_no_day() -> None:
    text = ITEM.replace("<pubDate>Mon, 13 May 2024 00:00:00 -0400</pubDate>\n", "").format(
        item=GOOD_ITEM.replace("</item>", "<pubDate>Tue, 14 May 2024 00:00:00 -0400</pubDate></item>")
        + "\n"
        + GOOD_ITEM.replace("00009", "00010")
    )

    result = read(text)

    assert [item.date for item in result.items] == ["2024-05-14"]
    assert [(p.line, p.message) for p in result.problems] == [
        (6, '"Good" has no date (the feed gives none, nor the item); entry skipped')
    ]


def test_a_document_that_is_not_well_formed_is_one_problem_at_its_line() -> None:
    text = ITEM.format(item=f"{GOOD_ITEM}\n<item><title>Unclosed</title>")

    result = read(text)

    assert result.items == []
    [problem] = result.problems
    assert problem.line == 8
    assert problem.message.startswith("not well-formed XML (Opening and ending tag mismatch: item line 7 and channel")
    assert problem.message.endswith("; nothing read")


def test_an_api_error_is_a_problem() -> None:
    text = """<?xml version="1.0" encoding="UTF-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <title type="html">ArXiv Query: search_query=&amp;id_list=2405.0&amp;start=0&amp;max_results=10</title>
  <id>http://arxiv.org/api/Zr2m</id>
  <opensearch:totalResults xmlns:opensearch="http://a9.com/-/spec/opensearch/1.1/">1</opensearch:totalResults>
  <entry>
    <id>http://arxiv.org/api/errors#incorrect_id_format_for_2405.0</id>
    <title>Error</title>
    <summary>incorrect id format for 2405.0</summary>
    <author><name>arXiv api core</name></author>
  </entry>
</feed>
"""

    result = read(text)

    assert result.items == []
    assert [(p.line, p.message) for p in result.problems] == [
        (6, "the arXiv API answered with an error: incorrect id format for 2405.0")
    ]


SECRET = "the-contents-of-a-private-file"


def xxe(path: Path) -> str:
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE rss [
  <!ENTITY secret SYSTEM "file://{path}">
]>
<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/"><channel>
<title>cs.CV updates on arXiv.org</title><pubDate>Mon, 13 May 2024 00:00:00 -0400</pubDate>
<item><title>&secret;</title><link>https://arxiv.org/abs/2405.00001</link><dc:creator>&secret;</dc:creator></item>
</channel></rss>
"""


BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE rss [
  <!ENTITY lol "lol">
  <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
  <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
  <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
  <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
  <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
  <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
  <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
  <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
  <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/"><channel>
<title>cs.CV updates on arXiv.org</title><pubDate>Mon, 13 May 2024 00:00:00 -0400</pubDate>
<item><title>&lol9;</title><link>https://arxiv.org/abs/2405.00001</link><dc:creator>&lol9;</dc:creator></item>
</channel></rss>
"""


REFUSED = "the document declares XML entities (<!ENTITY>), which no arXiv feed does; not read"
#: A comment naming the root element inside the DOCTYPE hides the declarations from the quick
#: look before parsing: then the parser's own settings and limits must hold.
HIDDEN = "[\n  <!-- <rss> -->\n"


@pytest.mark.parametrize(
    ("attack", "line", "message"),
    [
        pytest.param("xxe", 2, REFUSED, id="external_entity_reading_a_file"),
        pytest.param("billion_laughs", 2, REFUSED, id="billion_laughs"),
        pytest.param("hidden_xxe", 2, REFUSED, id="external_entity_hidden_from_the_quick_look"),
        # libxml2's own limit on entity amplification stops the parse (its line is libxml2's to say)
        pytest.param(
            "hidden_billion_laughs", None, "not well-formed XML (", id="billion_laughs_hidden_from_the_quick_look"
        ),
    ],
)
def test_a_document_declaring_entities_is_one_problem_and_nothing_is_expanded(
    tmp_path: Path, attack: str, line: int | None, message: str
) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text(SECRET, encoding="utf-8")
    text = xxe(secret) if attack.endswith("xxe") else BILLION_LAUGHS
    if attack.startswith("hidden"):
        text = text.replace("[\n", HIDDEN, 1)

    result = read(text)  # recognised by its content like any feed, then refused

    assert result.items == []
    [problem] = result.problems
    assert problem.message.startswith(message)
    assert line is None or problem.line == line
    assert SECRET not in repr(result) and "lollol" not in repr(result)


def test_an_external_dtd_is_never_fetched_and_the_feed_still_reads() -> None:
    text = RSS.replace("<rss ", '<!DOCTYPE rss SYSTEM "http://127.0.0.1:9/never-fetched.dtd">\n<rss ', 1)

    result = read(text)

    assert result.problems == []
    assert [item.arxiv for item in result.items] == [item.arxiv for item in RSS_ITEMS]


@pytest.mark.parametrize(
    "text",
    [
        pytest.param(RSS, id="rss_2_0"),
        pytest.param(ATOM, id="atom"),
        pytest.param(RSS_1_0, id="rss_1_0"),
        pytest.param(API, id="api_answer"),
        pytest.param("\n<!-- saved by a feed reader -->\n" + RSS.split("\n", 1)[1], id="comment_and_no_declaration"),
    ],
)
def test_feeds_are_recognised_by_content(text: str) -> None:
    reader = readers._recognise(decode(text.encode("utf-8"), "feed.txt"), "feed.txt")

    assert reader.name == "arxiv-feed"


def test_an_html_page_about_arxiv_with_a_feed_link_is_a_saved_page() -> None:
    page = (
        "<!DOCTYPE html><html><head><title>cs.CV | A Blog</title>"
        '<link rel="alternate" type="application/rss+xml" href="https://rss.arxiv.org/rss/cs.CV">'
        "</head><body><article><h1>2024-05-10 更新</h1><h2>Pruning Sparse Voxel Grids</h2>"
        "<p>Authors:Ann Lee</p><p>An abstract.</p><p><a href='https://arxiv.org/abs/2405.06101'>PDF</a></p>"
        "</article></body></html>"
    )

    assert not arxiv_feed.sniff(page)
    assert readers._recognise(page, "page.html").name == "saved-page"


def test_a_feed_from_another_site_is_not_an_arxiv_feed() -> None:
    text = '<?xml version="1.0"?><rss version="2.0"><channel><title>A Blog</title><item><title>Hello</title></item></channel></rss>'

    assert not arxiv_feed.sniff(text)
    with pytest.raises(UnreadableFile):
        readers._recognise(text, "blog.xml")


def test_the_shipped_examples_import_without_problems() -> None:
    for name, count in (("arxiv-cs-cv.rss.xml", 4), ("arxiv-api-query.atom.xml", 2)):
        path = EXAMPLES / name
        result = readers.read(decode(path.read_bytes(), name), name)

        assert result.problems == [], name
        assert len(result.items) == count, name
        assert all(item.arxiv and item.categories for item in result.items), name


def test_a_feed_and_a_blog_digest_listing_one_paper_make_one_entry_with_two_sightings(cli, tmp_path: Path) -> None:
    feed = tmp_path / "cs.CV.xml"
    feed.write_text(RSS, encoding="utf-8")
    post = tmp_path / "NeRF.md"
    post.write_text(
        "---\ntitle: NeRF\ndate: 2024-05-11 20:00:00\n---\n\n# 2024-05-11 更新\n\n"
        "## Pruning Sparse Voxel Grids Online for Real-Time Rendering\n\n"
        "**Authors:Marta Ólafsdóttir, Jean-Luc Moreau, Kenji Watanabe**\n\n"
        "Sparse voxel grids store radiance only where surfaces are.\n\n"
        "[PDF](http://arxiv.org/abs/2405.06101v2) 9 pages\n",
        encoding="utf-8",
    )

    report = json.loads(cli("import", str(feed), str(post), "--json").stdout)
    entries = cli.json("list")

    assert report["problems"] == [] and len(report["new"]) == len(RSS_ITEMS)
    [voxels] = [entry for entry in entries if entry["arxiv"] == "2405.06101"]
    assert sorted((s["topic"], s["date"]) for s in voxels["sightings"]) == [
        ("NeRF", "2024-05-11"),
        ("cs.CV", "2024-05-10"),
    ]
    assert voxels["url"] == "https://arxiv.org/abs/2405.06101"
    assert voxels["comment"] == "9 pages"


def test_a_day_s_feed_never_empties_the_comment_a_digest_gave(cli, tmp_path: Path) -> None:
    """Daily feeds carry no arXiv comment: a newer feed listing keeps the one an older digest gave."""
    digest = tmp_path / "digest.md"
    digest.write_text(
        "---\ntitle: NeRF\n---\n# 2024-05-09 更新\n\n## Pruning Sparse Voxel Grids Online for Real-Time Rendering\n\n"
        "**Authors:Aurélie Sánchez-Moreau, Jürgen Hoß**\n\nAn abstract.\n\n"
        "[PDF](http://arxiv.org/abs/2405.06101v1) Accepted by CVPR 2024\n",
        encoding="utf-8",
    )
    feed = tmp_path / "feed.xml"
    feed.write_text(RSS, encoding="utf-8")

    cli("import", str(digest), str(feed))
    entry = next(e for e in cli.json("list") if e["arxiv"] == "2405.06101")

    assert entry["comment"] == "Accepted by CVPR 2024"
    assert len(entry["sightings"]) == 2
