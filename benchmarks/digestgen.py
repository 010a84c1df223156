"""Synthetic arXiv papers: digests in the format readlist imports, and the same papers as BibTeX.

One digest file holds one topic and one date::

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
`write_bibtex` writes the same papers as one BibTeX file (with their arXiv ids, which the
text digests do not carry), for tools that import BibTeX.

Everything is drawn from ``random.Random(seed)``, so a seed gives the same bytes every time.
The papers are meant to look like real ones to a search engine:

- abstracts of 120-250 words (a triangular distribution around 175) built from sentence
  templates whose slots draw from a few hundred technical words with Zipf-like frequencies,
  so common words hit many papers and rare words few;
- 3-12 authors, skewed towards 3-6, with accents, particles ("van der", "de la") and suffixes;
- LaTeX math in about 10% of the titles; an arXiv id and a year for every paper.

Three words are reserved so that a benchmark can aim at a known share of the papers. Each
appears in exactly the papers listed and in no other text (titles, names, abstracts,
comments, topics), also not inside a longer word:

- ``SEARCH_WORD`` ("quaternion"): papers with ``i % 100 == 37`` (1%), in the abstract, and
  for a third of them in the title too;
- ``SEARCH_WIDE`` ("learning"): every paper, in the abstract (100%);
- ``SEARCH_SOME`` ("diffusion"): papers with ``i % 5 == 2`` (20%), in the title and the abstract.

Titles are unique after readlist-style folding (NFKC, casefold, non-word characters removed),
so N papers give N entries: nothing merges on import.

Run on its own to look at the output::

    python benchmarks/digestgen.py --n 60 --out /tmp/digests && cat -A /tmp/digests/0000_*.txt
    python benchmarks/digestgen.py --n 60 --bib /tmp/papers.bib
"""

from __future__ import annotations

import argparse
import bisect
import datetime as _dt
import itertools
import os
import random
import re
import unicodedata
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

ENTRIES_PER_FILE = 30
SEARCH_WORD = "quaternion"
SEARCH_EVERY = 100  # one paper in SEARCH_EVERY carries SEARCH_WORD
SEARCH_PHASE = 37
SEARCH_WIDE = "learning"  # in every paper
SEARCH_SOME = "diffusion"  # in the papers with index % SOME_EVERY == SOME_PHASE
SOME_EVERY = 5
SOME_PHASE = 2
MIN_WORDS, MODE_WORDS, MAX_WORDS = 120, 175, 250
MATH_TITLES = 0.07  # share of the title forms with math; acronyms such as SA$^2$VP add ~3%
FIRST_DAY = _dt.date(2022, 1, 1)
DAYS = 730  # two years of digests

TOPICS = (
    "Vision Transformer",
    "Prompt Tuning",
    "Generative Models",
    "Large Language Models",
    "Graph Neural Networks",
    "Reinforcement Agents",
    "Neural Radiance Fields",
    "Speech Recognition",
    "Federated Optimization",
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
    "Wei Xin Yann Yasmin Yi Yuki Zhen Zoë Ahmed Benedikt Clément Darío Efraín Gaëlle Håkon "
    "Aditya Anh Bartłomiej Çağla Dong Eirik Federico Gökhan Hyun-woo Ioana Jae Kaito Leïla Mónica "
    "Nuno Oğuz Piotr Rémi Saanvi Tuấn Ülkü Vojtěch Xiaoyu Yusuf Zsófia"
)
FAMILY = _words(
    "Wang Zhang Liu Chen Yang Huang Zhao Wu Zhou Xu Sun Ma Zhu Hu Guo Lin He Gao Luo Zheng "
    "Müller Schmidt Schäfer Fischer Weiß Novák Dvořák Kowalski Wiśniewski Nowak Łukasiewicz "
    "García Martínez López González Rodríguez Pérez Sánchez Muñoz Gómez Núñez "
    "Dubois Lefèvre Girard Bonnet Rousseau Faure Mercier Brontë Þórsson Ødegaard Åberg Lindqvist "
    "Nguyễn Trần Phạm Lê Hoàng Tanaka Suzuki Watanabe Itō Kobayashi Kim Park Choi Jung Kang "
    "Singh Kumar Sharma Gupta Patel Iyer Rao Smith Johnson Brown Taylor Wilson Davies Evans "
    "Rossi Russo Ferrari Esposito Bianchi Romano Costa Silva Santos Oliveira Pereira Çelik Yılmaz "
    "Öztürk Kovačević Horvát Popescu Ivanov Petrov Sokolov Abadi Bengtsson Chaudhary Dąbrowski "
    "Eriksen Fernández Grønlund Hernández Ishikawa Jørgensen Krishnan Lindström Mészáros Nakamura "
    "O'Brien Papadopoulos Quintero Ramírez Størmer Takahashi Uçar Vázquez Wójcik Yamamoto Zieliński"
)
PARTICLES = ("van der", "van den", "van", "de", "de la", "da", "von", "di", "del", "le", "dos", "ter")
PARTICLE_FAMILY = _words(
    "Berg Meer Oord Waals Heijden Linden Boer Vries Souza Silva Cruz Fuente Costa Neumann Weizsäcker "
    "Maio Pietro Río Clercq Santos Bruijn Hoek Haar Torre"
)
SUFFIXES = ("Jr.", "Jr.", "Sr.", "III")
AUTHOR_COUNTS = tuple(range(3, 13))
AUTHOR_WEIGHTS = (14, 16, 15, 13, 11, 9, 7, 6, 5, 4)  # 3 authors ... 12 authors

# --- titles -----------------------------------------------------------------------------------

ADJ = _words(
    "Scalable Robust Efficient Unified Sparse Contrastive Hierarchical Adaptive Lightweight "
    "Self-supervised Zero-shot Few-shot Multi-modal Cross-domain Generalizable Interpretable "
    "Memory-efficient Calibrated Equivariant Compositional Continual Decoupled Implicit Dense "
    "Data-efficient Provable Differentiable Open-vocabulary Masked Latent Causal Frequency-aware "
    "Training-free Uncertainty-aware Geometry-aware Parameter-efficient Federated Structured "
    "Probabilistic Bayesian Asynchronous Distributed Streaming Quantized Pruned Modular"
)
NOUN = _words(
    "Representation Learning|Attention|Prompt Tuning|Token Pruning|Knowledge Distillation|"
    "Feature Alignment|Graph Transformers|Generative Priors|Policy Optimization|Reward Modeling|"
    "Instruction Tuning|Retrieval Augmentation|Mixture of Experts|State Space Models|"
    "Low-Rank Adaptation|Score Matching|Optimal Transport|Neural Fields|Visual Grounding|"
    "Video Understanding|Point Cloud Completion|Speech Enhancement|Anomaly Detection|"
    "Domain Adaptation|Model Merging|Test-time Adaptation|Active Learning|Curriculum Learning|"
    "Label Noise|Federated Optimization|Semantic Segmentation|Depth Estimation|Image Restoration|"
    "Object Detection|Pose Estimation|Scene Graph Generation|Code Generation|Theorem Proving|"
    "Neural Architecture Search|Contrastive Pretraining|Sequence Modeling|Image Captioning|"
    "Trajectory Prediction|Hyperparameter Optimization|Quantization|Sparse Autoencoders",
    "|",
)
TASK = _words(
    "Long-tailed Recognition|Medical Imaging|Remote Sensing|Autonomous Driving|Robotic Manipulation|"
    "Low-resource Languages|Edge Devices|Open-world Detection|Visual Question Answering|"
    "Text-to-Image Synthesis|Multi-object Tracking|Weather Forecasting|Protein Design|"
    "Document Understanding|Audio-Visual Speech|Embodied Agents|Histopathology|"
    "Satellite Imagery|Tabular Data|Time Series Forecasting|Molecular Property Prediction|"
    "Legal Documents|Code Review|Chest Radiographs|Traffic Forecasting|Recommender Systems",
    "|",
)
MATH = (
    r"$\ell_1$",
    r"$\ell_\infty$",
    r"$k$-NN",
    r"$\mathcal{O}(n)$",
    r"$\epsilon$-Greedy",
    r"$\beta$-VAE",
    r"$\alpha$-Divergence",
    r"$\text{SE}(3)$",
    r"$\mathcal{O}(\log n)$",
    r"$L^2$",
)
TITLE_FORMS = (
    "{acr}: {adj} {noun} for {task}",
    "{adj} {noun} for {task}",
    "{acr}: Towards {adj} {noun}",
    "On the {prop} of {adj} {noun}",
    "Rethinking {noun} for {task}: A {adj} Perspective",
    "{acr}-{num}: {adj} {noun} at Scale",
    "When {noun} Meets {noun2}: {adj} Methods for {task}",
    "{acr}: Learning {noun} from {task} Data",
    "A Benchmark for {adj} {noun} in {task}",
    "{adj} {noun} with {noun2}",
    "Revisiting {noun} in {task}",
    "{acr}: {adj} and {adj2} {noun}",
)
MATH_TITLE_FORMS = (  # MATH_TITLES of the titles
    "{adj} {noun} via {math} Regularization",
    "{acr}: {adj} {noun} with {math} Constraints in {task}",
    "{adj} and {adj2} {noun} under {math} Perturbations",
    "{noun} in {math} Time for {task}",
)
SOME_TITLE_FORMS = (  # the papers that carry SEARCH_SOME
    "{acr}: {adj} Diffusion Models for {task}",
    "Diffusion {noun} for {task}",
    "Latent Diffusion with {adj} {noun}",
    "{adj} {noun} via Score-based Diffusion",
    "{acr}: Guided Diffusion for {adj} {noun}",
)
PROP = ("Convergence", "Robustness", "Expressivity", "Calibration", "Sample Complexity", "Limits")

# --- abstracts --------------------------------------------------------------------------------
# Lower-case words for the slots of the sentence templates: each list is drawn with Zipf-like
# weights (the k-th word of a per-seed shuffle with weight 1/k).

W_NOUN = _words(
    "model method framework network approach performance representation data task feature "
    "training accuracy encoder baseline architecture dataset objective module inference layer "
    "embedding backbone distribution loss benchmark generalization robustness efficiency decoder "
    "attention transformer optimization supervision alignment regularization prediction signal "
    "structure policy reward graph token memory latency throughput sample gradient estimator "
    "prior posterior uncertainty calibration kernel manifold geometry topology trajectory scene "
    "image video audio speech text caption query retrieval ranking segmentation detection "
    "tracking reconstruction registration compression quantization pruning distillation "
    "adapter prompt instruction corpus vocabulary tokenizer sequence context window horizon "
    "agent environment simulator controller planner critic actor buffer replay curriculum "
    "teacher student ensemble committee mixture expert router gate bottleneck codebook "
    "lattice spectrum frequency phase amplitude noise variance bias fairness privacy attack "
    "defense certificate bound guarantee theorem lemma proof constraint penalty budget "
    "hardware accelerator kernel cache bandwidth pipeline scheduler compiler runtime "
    "molecule protein ligand crystal material cell tissue lesion organ scan radiograph "
    "satellite pixel patch voxel mesh surface contour skeleton keypoint landmark "
    "user item interaction session click preference rating review document paragraph"
)
W_ADJ = _words(
    "robust efficient simple scalable novel strong effective accurate lightweight consistent "
    "sparse dense hierarchical adaptive generative discriminative contrastive multimodal "
    "unsupervised supervised semi-supervised self-supervised weakly-supervised zero-shot "
    "few-shot cross-domain out-of-distribution long-tailed noisy clean synthetic real-world "
    "interpretable explainable differentiable stochastic deterministic probabilistic bayesian "
    "causal temporal spatial spectral geometric topological equivariant invariant modular "
    "compositional implicit explicit latent global local coarse fine-grained multi-scale "
    "lightweight parameter-efficient memory-efficient compute-optimal asynchronous federated "
    "decentralized distributed streaming online offline incremental continual lifelong "
    "tractable intractable convex nonconvex smooth discrete continuous bounded unbounded"
)
W_VERB = _words(
    "improves outperforms reduces achieves enables captures exploits leverages preserves "
    "mitigates alleviates accelerates stabilizes regularizes generalizes transfers scales "
    "aligns fuses decomposes disentangles refines calibrates compresses prunes distills "
    "recovers reconstructs predicts estimates approximates bounds guarantees matches surpasses "
    "attains yields balances couples decouples unifies extends simplifies streamlines"
)
W_DATASET = _words(
    "ImageNet COCO ADE20K LVIS Cityscapes KITTI nuScenes Waymo ScanNet ShapeNet ModelNet "
    "CIFAR-10 CIFAR-100 SVHN MNIST CelebA FFHQ LAION-5B CC3M MS-MARCO SQuAD GLUE SuperGLUE MMLU "
    "GSM8K HumanEval LibriSpeech VoxCeleb AudioSet Kinetics-400 Something-Something UCF101 "
    "MIMIC-CXR BraTS CheXpert PubMedQA OGB-Arxiv Cora Citeseer MovieLens Atari MuJoCo D4RL"
)
W_METRIC = _words(
    "accuracy mIoU mAP F1 BLEU ROUGE-L FID PSNR SSIM AUROC recall perplexity Dice top-1 NDCG WER CER return"
)
# Rarer technical terms (the long tail of a vocabulary): prefix + stem compounds.
_PREFIXES = _words(
    "hyper multi cross meta inter sub micro neuro geo bio spectro photo chrono thermo proto poly iso para ortho semi"
)
_STEMS = _words(
    "morphism plexus scope metric genesis lattice kernel manifold tensor cortex mesh "
    "spline filter sampler encoder fusion solver graph field"
)
W_RARE = tuple(p + s for p, s in itertools.product(_PREFIXES, _STEMS))

SENTENCES = (
    "Recent progress in {n} has been driven by ever larger {n2}s, which are costly to train and to deploy.",
    "Despite rapid advances, {a} {n} for {task_l} still depends on carefully curated labels.",
    "We study {n} in the setting of {task_l}, where data are scarce and {a}.",
    "Pre-trained models such as ViT and CLIP transfer well to {task_l}, but adapting them remains expensive.",
    "Existing methods treat the {n} and the {n2} separately, which leads to {a} errors.",
    "In this paper, we propose {acr}, a {a} {n} that couples the {n2} with a {a2} {n3}.",
    "Our key insight is that the {n} can be cast as a sequence of small, {a} updates.",
    "Specifically, we introduce a {a} {n} that aligns token-level features with a "
    "pre-defined space (e.g., a {n2} learned on {d}).",
    "We further derive a bound on the error of the {n} that depends only on the {prop_l} of the {n2}.",
    "Unlike prior work, {acr} requires neither extra labels nor a teacher model — it learns from "
    "the data’s own structure.",
    "The method is simple to implement and adds fewer than {num}M trainable parameters.",
    "To handle {task_l}, we design a {a} objective with an {math} penalty on the residuals.",
    "We also show that the approach {v} to the {n2} without modification.",
    "Theoretical analysis shows that the resulting {n} is consistent and converges at rate {math}.",
    "We find that \\emph{{{a}}} {n}s matter more than model size in this regime.",
    "Ablations reveal that each {n} contributes, and that the gains are largest for rare classes.",
    "A lightweight {n} (i.e., two linear layers) suffices to close most of the gap to full fine-tuning.",
    "The proposed {n} {v} the {n2} while keeping the {n3} {a}.",
    "At the core of {acr} is a {x} that {v} {a} {n}s across {a2} {n2}s.",
    "We model the {n} with a {x}, which {v} the {n2} at negligible cost.",
    "Our analysis reveals a trade-off between the {n} and the {n2} that prior {n3}s ignore.",
    "Each {n} is encoded by a {a} {x} and decoded by a {a2} {n2}.",
    "We evaluate on {d}, {d2} and {d3}, covering {a} and {a2} settings.",
    "On {d}, {acr} reaches {pct} {m}, {pct2} points above the strongest baseline.",
    "Compared with {a} baselines, our {n} {v} the {m} by {pct}% on {d}.",
    "The {n} runs in real time on a single GPU and {v} the {n2} by a factor of {num}.",
    "We release a benchmark of {num}k {n}s annotated with {a} {n2}s.",
    "Code and pre-trained models are publicly available at \\url{{}}.",
    "Experiments on {num} benchmarks show that {acr} outperforms the state of the art by {pct}% on average.",
    "Results on {num} datasets confirm that the {n} is both accurate and efficient.",
    "We identify three failure modes of the {a} {n}: {n2} collapse, {n3} drift and {x} mismatch.",
    "Surprisingly, a {a} {n} with a {x} is competitive with far larger {n2}s.",
    "Moreover, the {x} admits a closed form, so the {n} needs no iterative {n2}.",
    "These findings suggest that {a} {n}s are a promising direction for {task_l}.",
    "Human evaluation further confirms that the {n}s are preferred in {pct}% of the cases.",
)
OPENING = (0, 1, 2, 3, 4)  # indexes of SENTENCES that read as a first sentence
CLOSING = (27, 28, 29, 33)  # ... and as a last one
WIDE_SENTENCES = (  # one of these in every abstract: SEARCH_WIDE
    "We frame the {n} as a {a} " + SEARCH_WIDE + " problem over the {n2}.",
    "This makes " + SEARCH_WIDE + " {a} {n}s feasible at scale.",
    "Unlike supervised " + SEARCH_WIDE + ", the {n} needs no annotated {n2}s.",
    "The {n} is trained end to end by " + SEARCH_WIDE + " a {x} on {d}.",
    "Joint " + SEARCH_WIDE + " of the {n} and the {n2} stabilizes training.",
    "Our results question the common view that " + SEARCH_WIDE + " {a} {n}s requires large datasets.",
)
SOME_SENTENCES = (  # the papers that carry SEARCH_SOME
    "We build on denoising " + SEARCH_SOME + " models and condition the reverse process on the {n}.",
    "A " + SEARCH_SOME + " prior over the {n} replaces the {a} {n2} of earlier work.",
    "Sampling from the " + SEARCH_SOME + " model takes {num} steps instead of a thousand.",
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
_SLOT = re.compile(r"\{(\w+)\}")


def squash(text: str) -> str:
    """Title identity as readlist matches papers (kept in step with readlist.textnorm.squash)."""
    return _NON_WORD.sub("", unicodedata.normalize("NFKC", text).casefold())


@dataclass(slots=True)
class Author:
    given: str
    von: str
    family: str
    jr: str
    comma_jr: bool = False  # the digest prints "Given Family, Jr." (the comma form some digests use)

    def digest(self) -> str:
        name = " ".join(p for p in (self.given, self.von, self.family) if p)
        if self.jr:
            name += (", " if self.comma_jr else " ") + self.jr
        return name

    def bibtex(self) -> str:
        """BibTeX's `von Last, Jr, First` (the comma form every BibTeX reader reads alike)."""
        last = f"{self.von} {self.family}" if self.von else self.family
        return f"{last}, {self.jr}, {self.given}" if self.jr else f"{last}, {self.given}"


@dataclass(slots=True)
class Paper:
    index: int
    title: str
    authors: list[Author]
    abstract: str
    comment: str | None
    arxiv: str
    date: _dt.date
    topic: str

    @property
    def author_strings(self) -> list[str]:
        return [a.digest() for a in self.authors]


class _Zipf:
    """Draw from a list with weight 1/k for its k-th item, fast (one random() and a bisect)."""

    __slots__ = ("cum", "items", "total")

    def __init__(self, items: Sequence[str]) -> None:
        self.items = tuple(items)
        self.cum = list(itertools.accumulate(1.0 / k for k in range(1, len(items) + 1)))
        self.total = self.cum[-1]

    def draw(self, rng: random.Random) -> str:
        return self.items[bisect.bisect_right(self.cum, rng.random() * self.total)]


class Generator:
    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.seen: set[str] = set()
        rng = random.Random(seed + 1)  # shuffle the Zipf ranks once, per seed
        lists = {}
        for name, words in (("n", W_NOUN), ("a", W_ADJ), ("v", W_VERB), ("d", W_DATASET), ("x", W_RARE)):
            order = list(words)
            rng.shuffle(order)
            lists[name] = _Zipf(order)
        self.z = lists
        self.templates = [(t, _SLOT.findall(t)) for t in SENTENCES]
        self.middle = [i for i in range(len(SENTENCES)) if i not in OPENING and i not in CLOSING]

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

    def _fill_title(self, form: str) -> str:
        rng = self.rng
        return form.format(
            acr=self.acronym(),
            adj=rng.choice(ADJ),
            adj2=rng.choice(ADJ),
            noun=rng.choice(NOUN),
            noun2=rng.choice(NOUN),
            task=rng.choice(TASK),
            math=rng.choice(MATH),
            prop=rng.choice(PROP),
            num=rng.randint(2, 12),
        )

    def _fill_comment(self, form: str) -> str:
        rng = self.rng
        return form.format(
            venue=rng.choice(VENUES),
            year=rng.randint(2021, 2024),
            pages=rng.randint(4, 40),
            figs=rng.randint(1, 12),
            tabs=rng.randint(1, 9),
            noun=rng.choice(NOUN),
            task=rng.choice(TASK),
        )

    def _slot(self, name: str) -> str:
        rng = self.rng
        base = name.rstrip("23")
        if base in self.z:
            return self.z[base].draw(rng)
        if base == "m":
            return rng.choice(W_METRIC)
        if base == "task_l":
            return rng.choice(TASK).lower()
        if base == "acr":
            return self.acronym()
        if base == "math":
            return rng.choice(MATH)
        if base == "prop_l":
            return rng.choice(PROP).lower()
        if base == "num":
            return str(rng.randint(2, 12))
        if base == "pct":
            return f"{rng.uniform(0.5, 12):.1f}"
        raise KeyError(name)

    def sentence(self, template: str, slots: list[str] | None = None) -> str:
        slots = _SLOT.findall(template) if slots is None else slots
        return template.format_map({s: self._slot(s) for s in slots})

    def title(self, index: int) -> str:
        rng = self.rng
        some = index % SOME_EVERY == SOME_PHASE
        quat = index % SEARCH_EVERY == SEARCH_PHASE and index % 3 == 0
        while True:
            math = not some and rng.random() < MATH_TITLES
            forms = SOME_TITLE_FORMS if some else MATH_TITLE_FORMS if math else TITLE_FORMS
            t = self._fill_title(rng.choice(forms))
            if quat:
                t = t + " with " + SEARCH_WORD.capitalize() + " Embeddings"
            key = squash(t)
            if key not in self.seen:
                self.seen.add(key)
                return t

    def author(self) -> Author:
        rng = self.rng
        r = rng.random()
        given = rng.choice(GIVEN)
        if rng.random() < 0.15:
            given += " " + rng.choice(GIVEN)[0] + "."
        if r < 0.12:
            return Author(given, rng.choice(PARTICLES), rng.choice(PARTICLE_FAMILY), "")
        if r < 0.15:
            return Author(given, "", rng.choice(FAMILY), rng.choice(SUFFIXES))
        if r < 0.16:  # the comma form some digests print
            return Author(given, "", rng.choice(FAMILY), "Jr.", comma_jr=True)
        if r < 0.19:  # double-barrelled
            return Author(given, "", f"{rng.choice(FAMILY)}-{rng.choice(FAMILY)}", "")
        return Author(given, "", rng.choice(FAMILY), "")

    def abstract(self, index: int) -> str:
        """120-250 words: an opening, the reserved sentences, middles, a closing."""
        rng = self.rng
        target = round(rng.triangular(MIN_WORDS, MAX_WORDS, MODE_WORDS))
        templates = self.templates
        first = self.sentence(*templates[rng.choice(OPENING)])
        last = self.sentence(*templates[rng.choice(CLOSING)])
        fixed = [self.sentence(rng.choice(WIDE_SENTENCES))]
        if index % SOME_EVERY == SOME_PHASE:
            fixed.append(self.sentence(rng.choice(SOME_SENTENCES)))
        if index % SEARCH_EVERY == SEARCH_PHASE:
            fixed.append(rng.choice(SEARCH_SENTENCES))
        words = sum(len(s.split()) for s in (first, last, *fixed))
        middle: list[str] = []
        tries = 0
        while words < target and tries < 50:
            tries += 1
            s = self.sentence(*templates[rng.choice(self.middle)])
            w = len(s.split())
            if words + w > MAX_WORDS:
                continue  # too long for what is left: draw another (or stop, a few words short)
            middle.append(s)
            words += w
        for s in fixed:  # the reserved sentences land anywhere in the middle
            middle.insert(rng.randint(0, len(middle)), s)
        return " ".join([first, *middle, last])

    def comment(self) -> str | None:
        if self.rng.random() < 0.35:
            return None
        return self._fill_comment(self.rng.choice(COMMENT_FORMS))

    def paper(self, index: int, date: _dt.date, topic: str) -> Paper:
        n_auth = self.rng.choices(AUTHOR_COUNTS, AUTHOR_WEIGHTS)[0]
        title = self.title(index)
        authors = [self.author() for _ in range(n_auth)]
        abstract = self.abstract(index)
        comment = self.comment()
        # arXiv ids as since 2015: YYMM.NNNNN
        arxiv = f"{date.year % 100:02d}{date.month:02d}.{(index * 7919) % 100000:05d}"
        return Paper(index, title, authors, abstract, comment, arxiv, date, topic)


def render_file(topic: str, date: _dt.date, papers: list[Paper], footer: bool) -> str:
    out = [f"{topic}\n\n{date.isoformat()} 更新\n\n"]
    for p in papers:
        out.append(f"{p.title}\n\nAuthors:{', '.join(p.author_strings)}\n\n{p.abstract}\n")
        if p.comment is not None:
            out.append(f"PDF {p.comment}\n")
        out.append("\n\n")
    if footer:
        out.append(FOOTER)
    return "".join(out)


def papers_by_file(n: int, seed: int) -> Iterator[tuple[str, str, _dt.date, list[Paper], bool]]:
    """Yield (file name, topic, date, papers, footer) for n papers, ENTRIES_PER_FILE to a file."""
    gen = Generator(seed)
    rng = gen.rng
    n_files = (n + ENTRIES_PER_FILE - 1) // ENTRIES_PER_FILE
    width = max(4, len(str(n_files - 1)))
    index = 0
    for f in range(n_files):
        topic = rng.choice(TOPICS)
        date = FIRST_DAY + _dt.timedelta(days=rng.randrange(DAYS))
        name = f"{f:0{width}d}_{rng.getrandbits(64):016x}.txt"
        footer = rng.random() < 0.5
        count = min(ENTRIES_PER_FILE, n - index)
        papers = [gen.paper(index + k, date, topic) for k in range(count)]
        index += count
        yield name, topic, date, papers, footer


def generate(n: int, seed: int) -> Iterator[tuple[str, str]]:
    """Yield (file name, text) for n papers, ENTRIES_PER_FILE to a file."""
    for name, topic, date, papers, footer in papers_by_file(n, seed):
        yield name, render_file(topic, date, papers, footer)


def papers(n: int, seed: int) -> Iterator[Paper]:
    """The n papers, in order (the same ones the digests hold)."""
    for _name, _topic, _date, batch, _footer in papers_by_file(n, seed):
        yield from batch


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


# --- BibTeX -----------------------------------------------------------------------------------

_BIB_SPECIAL = str.maketrans({"&": r"\&", "%": r"\%", "#": r"\#"})
MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")


def _ascii_word(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return re.sub(r"[^a-z]", "", decomposed.encode("ascii", "ignore").decode().lower())


def bibtex_key(paper: Paper, taken: set[str]) -> str:
    """Google-Scholar style: family name of the first author, year, first long title word."""
    fam = _ascii_word(paper.authors[0].family.split("-")[0]) or "anon"
    word = next((w for w in (_ascii_word(t) for t in paper.title.split()) if len(w) > 3), "paper")
    base = f"{fam}{paper.date.year}{word}"
    key, suffix = base, 0
    while key in taken:
        suffix += 1
        key = f"{base}{chr(96 + suffix) if suffix <= 26 else suffix}"
    taken.add(key)
    return key


def render_bibtex(paper: Paper, key: str) -> str:
    fields = [
        ("title", "{" + paper.title.translate(_BIB_SPECIAL) + "}"),
        ("author", " and ".join(a.bibtex() for a in paper.authors)),
        ("year", str(paper.date.year)),
        ("month", MONTHS[paper.date.month - 1]),
        ("eprint", paper.arxiv),
        ("archiveprefix", "arXiv"),
        ("url", f"https://arxiv.org/abs/{paper.arxiv}"),
        ("abstract", paper.abstract.translate(_BIB_SPECIAL)),
    ]
    if paper.comment:
        fields.append(("note", paper.comment.translate(_BIB_SPECIAL)))
    body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields)
    return f"@article{{{key},\n{body}\n}}\n"


def bibtex_keys(n: int, seed: int) -> list[str]:
    """The keys write_bibtex gives the n papers, in order."""
    taken: set[str] = set()
    return [bibtex_key(p, taken) for p in papers(n, seed)]


def write_bibtex(n: int, seed: int, path: str) -> tuple[int, int]:
    """Write the n papers as one BibTeX file (UTF-8); return (entries, bytes)."""
    taken: set[str] = set()
    size = count = 0
    with open(path, "w", encoding="utf-8", newline="\n") as fh:
        for p in papers(n, seed):
            text = render_bibtex(p, bibtex_key(p, taken)) + "\n"
            fh.write(text)
            size += len(text.encode("utf-8"))
            count += 1
    return count, size


def expected_hits(n: int) -> dict[str, int]:
    """How many of the first n papers carry each reserved word."""
    return {
        SEARCH_WORD: sum(1 for i in range(n) if i % SEARCH_EVERY == SEARCH_PHASE),
        SEARCH_WIDE: n,
        SEARCH_SOME: sum(1 for i in range(n) if i % SOME_EVERY == SOME_PHASE),
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=100)
    ap.add_argument("--seed", type=int, default=20240501)
    ap.add_argument("--out", help="write the digests into this directory")
    ap.add_argument("--bib", help="write the same papers as one BibTeX file")
    args = ap.parse_args()
    if not args.out and not args.bib:
        ap.error("give --out DIR and/or --bib FILE")
    if args.out:
        files, size = write_digests(args.n, args.seed, args.out)
        print(f"{args.n} papers in {files} files, {size / 1e6:.1f} MB, in {args.out}")
    if args.bib:
        count, size = write_bibtex(args.n, args.seed, args.bib)
        print(f"{count} papers, {size / 1e6:.1f} MB of BibTeX, in {args.bib}")


if __name__ == "__main__":
    main()
