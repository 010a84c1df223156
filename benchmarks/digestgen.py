"""Synthetic arXiv paper digests in the format readlist imports (stdlib only).

One file holds one topic and one date::

    <topic>
    <blank>
    <YYYY-MM-DD> 更新
    <blank>
    then per paper:
    <title>
    <blank>
    Authors:<Given Family>, <Given Family>, ...
    <blank>
    <abstract, one line>
    PDF <arXiv comment>            (only when the paper has a comment)
    <blank>
    <blank>

and, in some files, a two-line site footer (author and licence lines, no final newline).

Everything is drawn from ``random.Random(seed)``, so a seed gives the same bytes every time.
The vocabulary is invented for this generator. Two words are reserved so that a benchmark can
aim at a known share of the papers:

- ``SEARCH_WORD`` appears in exactly the papers whose index ``i % 100 == 37`` (1%), in the
  abstract and for a third of them in the title too, and nowhere else;
- titles are unique after readlist-style folding (NFKC, casefold, non-word characters removed),
  so N papers give N entries: nothing merges on import.

Run on its own to look at the output::

    python benchmarks/digestgen.py --n 60 --out /tmp/digests && cat -A /tmp/digests/0000_*.txt
"""

from __future__ import annotations

import argparse
import datetime as _dt
import os
import random
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass

ENTRIES_PER_FILE = 30
SEARCH_WORD = "quaternion"
SEARCH_EVERY = 100  # one paper in SEARCH_EVERY carries SEARCH_WORD
SEARCH_PHASE = 37
FIRST_DAY = _dt.date(2022, 1, 1)
DAYS = 730  # two years of digests

TOPICS = (
    "Vision Transformer",
    "Prompt Learning",
    "Diffusion Models",
    "Large Language Models",
    "Graph Neural Networks",
    "Reinforcement Learning",
    "Neural Radiance Fields",
    "Speech Recognition",
    "Federated Learning",
    "Medical Image Segmentation",
)


def _words(text: str, sep: str | None = None) -> tuple[str, ...]:
    return tuple(text.split(sep))


# --- names ------------------------------------------------------------------------------------

GIVEN = _words(
    "Amélie Ana Andrés Anja Björn Camille Chen Chiara Dmitri Élodie Emre Eszter Fatima François "
    "Guðrún Hana Hiroshi Ines Ingrid Jakub Jiří João José Jürgen Kai Karim Lars Lea Li Liang Lucía "
    "Łukasz Mads Maria Marta Mateus Mehmet Mei Miguel Minh Nadia Nikolaj Noémie Olga Omar Pablo "
    "Paulo Pedro Priya Qi Rafael Raúl Ren Rohan Sofía Søren Stéphane Svetlana Takeshi Thi Tomás "
    "Wei Xin Yann Yasmin Yi Yuki Zhen Zoë Ahmed Benedikt Clément Darío Efraín Gaëlle Håkon"
)
FAMILY = _words(
    "Wang Zhang Liu Chen Yang Huang Zhao Wu Zhou Xu Sun Ma Zhu Hu Guo Lin He Gao Luo Zheng "
    "Müller Schmidt Schäfer Fischer Weiß Novák Dvořák Kowalski Wiśniewski Nowak Łukasiewicz "
    "García Martínez López González Rodríguez Pérez Sánchez Muñoz Gómez Núñez "
    "Dubois Lefèvre Girard Bonnet Rousseau Faure Mercier Brontë Þórsson Ødegaard Åberg Lindqvist "
    "Nguyễn Trần Phạm Lê Hoàng Tanaka Suzuki Watanabe Itō Kobayashi Kim Park Choi Jung Kang "
    "Singh Kumar Sharma Gupta Patel Iyer Rao Smith Johnson Brown Taylor Wilson Davies Evans "
    "Rossi Russo Ferrari Esposito Bianchi Romano Costa Silva Santos Oliveira Pereira Çelik Yılmaz "
    "Öztürk Kovačević Horvát Popescu Ivanov Petrov Sokolov"
)
PARTICLES = ("van der", "van den", "van", "de", "de la", "da", "von", "di", "del", "le", "dos")
PARTICLE_FAMILY = _words(
    "Berg Meer Oord Waals Heijden Linden Boer Vries Souza Silva Cruz Fuente Costa Neumann Weizsäcker "
    "Maio Pietro Río Clercq Santos Bruijn Hoek"
)
SUFFIXES = ("Jr.", "Jr.", "Sr.", "III")

# --- titles -----------------------------------------------------------------------------------

ADJ = _words(
    "Scalable Robust Efficient Unified Sparse Contrastive Hierarchical Adaptive Lightweight "
    "Self-supervised Zero-shot Few-shot Multi-modal Cross-domain Generalizable Interpretable "
    "Memory-efficient Calibrated Equivariant Compositional Continual Decoupled Implicit Dense "
    "Data-efficient Provable Differentiable Open-vocabulary Masked Latent Causal Frequency-aware"
)
NOUN = _words(
    "Representation Learning|Attention|Prompt Tuning|Token Pruning|Knowledge Distillation|"
    "Feature Alignment|Graph Transformers|Diffusion Priors|Policy Optimization|Reward Modeling|"
    "Instruction Tuning|Retrieval Augmentation|Mixture of Experts|State Space Models|"
    "Low-Rank Adaptation|Score Matching|Optimal Transport|Neural Fields|Visual Grounding|"
    "Video Understanding|Point Cloud Completion|Speech Enhancement|Anomaly Detection|"
    "Domain Adaptation|Model Merging|Test-time Adaptation|Active Learning|Curriculum Learning|"
    "Label Noise|Federated Optimization|Semantic Segmentation|Depth Estimation|Image Restoration|"
    "Object Detection|Pose Estimation|Scene Graph Generation|Code Generation|Theorem Proving",
    "|",
)
TASK = _words(
    "Long-tailed Recognition|Medical Imaging|Remote Sensing|Autonomous Driving|Robotic Manipulation|"
    "Low-resource Languages|Edge Devices|Open-world Detection|Visual Question Answering|"
    "Text-to-Image Synthesis|Multi-object Tracking|Weather Forecasting|Protein Design|"
    "Document Understanding|Audio-Visual Learning|Embodied Agents|Histopathology|"
    "Satellite Imagery|Tabular Data|Time Series Forecasting|Molecular Property Prediction",
    "|",
)
MATH = (
    r"$\ell_1$",
    r"$\ell_\infty$",
    r"$k$-NN",
    r"$\mathcal{O}(n)$",
    r"$\epsilon$-Greedy",
    r"$\beta$-VAE",
    r"$^2$",
    r"$\alpha$-Divergence",
    r"$\text{SE}(3)$",
)
TITLE_FORMS = (
    "{acr}: {adj} {noun} for {task}",
    "{adj} {noun} for {task}",
    "{acr}: Towards {adj} {noun}",
    "On the {prop} of {adj} {noun}",
    "{adj} {noun} via {math} Regularization",
    "{acr}: {adj} {noun} with {math} Constraints in {task}",
    "Rethinking {noun} for {task}: A {adj} Perspective",
    "{acr}-{num}: {adj} {noun} at Scale",
    "When {noun} Meets {noun2}: {adj} Methods for {task}",
    "{adj} and {adj2} {noun} under {math} Perturbations",
    "{acr}: Learning {noun} from {task} Data",
    "A Benchmark for {adj} {noun} in {task}",
)
PROP = ("Convergence", "Robustness", "Expressivity", "Calibration", "Sample Complexity", "Limits")

# --- abstracts --------------------------------------------------------------------------------

OPENERS = (
    "{noun} has become a central tool for {task}, yet existing methods remain brittle under distribution shift.",
    "Recent progress in {noun} has been driven by ever larger models, which are costly to train and to deploy.",
    "Despite rapid advances, {noun} for {task} still depends on carefully curated labels.",
    "We study {noun} in the setting of {task}, where data are scarce and noisy.",
    "Pre-trained models such as ViT and CLIP transfer well to {task}, but adapting them remains expensive.",
)
MIDDLE = (
    "In this paper, we propose {acr}, {a_adj} framework that couples {noun} with {noun2}.",
    "Our key insight is that {noun} can be cast as a sequence of small, {adj_l} updates.",
    "Specifically, we introduce {a_adj} module that aligns token-level features with a "
    "pre-defined space (e.g., a codebook learned on ImageNet).",
    "We further derive a bound on the error of {noun} that depends only on the {prop} of the encoder.",
    "Unlike prior work, {acr} requires neither extra labels nor a teacher model — it learns from "
    "the data’s own structure.",
    "The method is simple to implement and adds fewer than 0.5M trainable parameters.",
    "To handle {task}, we design {a_adj} objective with an {math} penalty on the residuals.",
    "We also show that the approach extends naturally to {noun2} without modification.",
    "Theoretical analysis shows that the resulting estimator is consistent and converges at rate {math}.",
    "We find that \\emph{{{adj_l}}} features matter more than model size in this regime.",
    "Ablations reveal that each component contributes, and that the gains are largest for rare classes.",
    "A lightweight adapter (i.e., two linear layers) suffices to close most of the gap to full fine-tuning.",
)
CLOSERS = (
    "Extensive experiments on {num} benchmarks show that {acr} outperforms the state of the art by {pct}% on average.",
    "On {task}, our model reaches {pct}% accuracy, surpassing strong baselines by a clear margin.",
    "Experiments on COCO, ADE20K and LVIS demonstrate consistent improvements of {pct}% mIoU.",
    "Results on {num} datasets confirm that the method is both accurate and efficient.",
)
TAILS = (
    "Code is available at",
    "The code and models will be released soon.",
    "Code and pre-trained models are publicly available at \\url{}.",
    "",
    "",
)
SEARCH_SENTENCES = (
    "We parameterise rotations with a unit " + SEARCH_WORD + " and show that this avoids gimbal lock.",
    "A " + SEARCH_WORD + " network shares weights across the four channels of each feature.",
    "Replacing real-valued layers with " + SEARCH_WORD + " layers cuts the parameter count by four.",
)

VENUES = (
    "CVPR", "ICCV", "ECCV", "NeurIPS", "ICML", "ICLR", "AAAI", "IJCAI", "ACL", "EMNLP",
    "MICCAI", "WACV", "TPAMI", "IJCV", "KDD", "SIGGRAPH",
)  # fmt: skip
COMMENT_FORMS = (
    "Accepted by {venue} {year}",
    "Accepted at {venue} {year}. Code is available at",
    "{venue} {year}",
    "{venue} {year} (Oral)",
    "{pages} pages, {figs} figures",
    "{pages} pages, {figs} figures, {tabs} tables",
    "Accepted to {venue} {year}; {pages} pages",
    "Tech Report",
    "In Peer Review",
    "{venue} {year}. TL;DR: we adapt {noun} to {task} with few labels",
    "Project page: ; code will be released soon",
)

FOOTER = "文章作者: 基准测试\n版权声明: 本目录由基准脚本合成，仅用于测量。"

_NON_WORD = re.compile(r"[\W_]+")


def squash(text: str) -> str:
    """Title identity as readlist matches papers (kept in step with readlist.textnorm.squash)."""
    return _NON_WORD.sub("", unicodedata.normalize("NFKC", text).casefold())


@dataclass(slots=True)
class Paper:
    title: str
    authors: list[str]
    abstract: str
    comment: str | None


class Generator:
    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.seen: set[str] = set()
        # A pool of filled-in sentences: abstracts draw from it, which keeps generation fast
        # while giving every abstract a different mix.
        rng = self.rng
        self.pool_open = [self._fill(rng.choice(OPENERS)) for _ in range(300)]
        self.pool_mid = [self._fill(rng.choice(MIDDLE)) for _ in range(3000)]
        self.pool_close = [self._fill(rng.choice(CLOSERS)) for _ in range(300)]

    # -- pieces --------------------------------------------------------------------------------
    def acronym(self) -> str:
        rng = self.rng
        r = rng.random()
        letters = "ABCDEFGHIJKLMNOPRSTUVWXYZ"
        if r < 0.6:
            return "".join(rng.choices(letters, k=rng.randint(3, 6)))
        if r < 0.8:  # CamelCase names such as CoOp, MaskFormer
            parts = ["".join(rng.choices("aeiou", k=1)) for _ in range(2)]
            return rng.choice(letters) + parts[0] + rng.choice(letters) + parts[1] + rng.choice("mnprst")
        if r < 0.9:
            return "".join(rng.choices(letters, k=rng.randint(2, 4))) + str(rng.randint(2, 9))
        return "".join(rng.choices(letters, k=2)) + "$^" + str(rng.randint(2, 3)) + "$" + rng.choice(letters)

    def _fill(self, form: str) -> str:
        rng = self.rng
        adj_l = rng.choice(ADJ).lower()
        return form.format(
            a_adj=("an " if adj_l[0] in "aeiou" else "a ") + adj_l,
            acr=self.acronym(),
            adj=rng.choice(ADJ),
            adj2=rng.choice(ADJ),
            adj_l=adj_l,
            noun=rng.choice(NOUN),
            noun2=rng.choice(NOUN),
            task=rng.choice(TASK),
            math=rng.choice(MATH),
            prop=rng.choice(PROP).lower() if "{prop} of the" in form else rng.choice(PROP),
            num=rng.randint(2, 12),
            pct=f"{rng.uniform(0.5, 12):.1f}",
            venue=rng.choice(VENUES),
            year=rng.randint(2021, 2024),
            pages=rng.randint(4, 40),
            figs=rng.randint(1, 12),
            tabs=rng.randint(1, 9),
        )

    def title(self, searchable: bool) -> str:
        while True:
            t = self._fill(self.rng.choice(TITLE_FORMS))
            if searchable:
                t = t + " with " + SEARCH_WORD.capitalize() + " Embeddings"
            key = squash(t)
            if key not in self.seen:
                self.seen.add(key)
                return t

    def author(self) -> str:
        rng = self.rng
        r = rng.random()
        given = rng.choice(GIVEN)
        if rng.random() < 0.15:
            given += " " + rng.choice(GIVEN)[0] + "."
        if r < 0.12:
            return f"{given} {rng.choice(PARTICLES)} {rng.choice(PARTICLE_FAMILY)}"
        if r < 0.15:
            return f"{given} {rng.choice(FAMILY)} {rng.choice(SUFFIXES)}"
        if r < 0.16:  # the comma form some digests print
            return f"{given} {rng.choice(FAMILY)}, Jr."
        if r < 0.19:  # double-barrelled
            return f"{given} {rng.choice(FAMILY)}-{rng.choice(FAMILY)}"
        return f"{given} {rng.choice(FAMILY)}"

    def abstract(self, searchable: bool) -> str:
        rng = self.rng
        target = min(2200, max(400, int(rng.gauss(1200, 250))))
        parts = [rng.choice(self.pool_open)]
        size = len(parts[0])
        if searchable:
            s = rng.choice(SEARCH_SENTENCES)
            parts.append(s)
            size += len(s) + 1
        close = rng.choice(self.pool_close)
        size += len(close) + 1
        mids = self.pool_mid
        while size < target:
            s = mids[int(rng.random() * len(mids))]
            parts.append(s)
            size += len(s) + 1
        parts.append(close)
        tail = rng.choice(TAILS)
        if tail:
            parts.append(tail)
        return " ".join(parts)

    def comment(self) -> str | None:
        if self.rng.random() < 0.35:
            return None
        return self._fill(self.rng.choice(COMMENT_FORMS))

    def paper(self, index: int) -> Paper:
        searchable = index % SEARCH_EVERY == SEARCH_PHASE
        n_auth = self.rng.randint(3, 8)
        return Paper(
            title=self.title(searchable and index % 3 == 0),
            authors=[self.author() for _ in range(n_auth)],
            abstract=self.abstract(searchable),
            comment=self.comment(),
        )


def render_file(topic: str, date: _dt.date, papers: list[Paper], footer: bool) -> str:
    out = [f"{topic}\n\n{date.isoformat()} 更新\n\n"]
    for p in papers:
        out.append(f"{p.title}\n\nAuthors:{', '.join(p.authors)}\n\n{p.abstract}\n")
        if p.comment is not None:
            out.append(f"PDF {p.comment}\n")
        out.append("\n\n")
    if footer:
        out.append(FOOTER)
    return "".join(out)


def generate(n: int, seed: int) -> Iterator[tuple[str, str]]:
    """Yield (file name, text) for n papers, ENTRIES_PER_FILE to a file."""
    gen = Generator(seed)
    rng = gen.rng
    n_files = (n + ENTRIES_PER_FILE - 1) // ENTRIES_PER_FILE
    width = max(4, len(str(n_files - 1)))
    index = 0
    for f in range(n_files):
        count = min(ENTRIES_PER_FILE, n - index)
        papers = [gen.paper(index + k) for k in range(count)]
        index += count
        topic = rng.choice(TOPICS)
        date = FIRST_DAY + _dt.timedelta(days=rng.randrange(DAYS))
        name = f"{f:0{width}d}_{rng.getrandbits(64):016x}.txt"
        yield name, render_file(topic, date, papers, footer=rng.random() < 0.5)


def write_digests(n: int, seed: int, out_dir: str) -> tuple[int, int]:
    """Write the digests into out_dir; return (files, bytes)."""
    os.makedirs(out_dir, exist_ok=True)
    files = size = 0
    for name, text in generate(n, seed):
        data = text.encode("utf-8")
        with open(os.path.join(out_dir, name), "wb") as fh:
            fh.write(data)
        files += 1
        size += len(data)
    return files, size


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=100)
    ap.add_argument("--seed", type=int, default=20240501)
    ap.add_argument("--out", required=True)
    args = ap.parse_args()
    files, size = write_digests(args.n, args.seed, args.out)
    print(f"{args.n} papers in {files} files, {size / 1e6:.1f} MB, in {args.out}")


if __name__ == "__main__":
    main()
