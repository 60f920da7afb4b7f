"""Farrington (1996) and the improved Farrington of Noufaily et al. (2013), vectorised over many series.

Classic — as R ``surveillance::algo.farrington`` (defaults ``b = 5, w = 3, reweight, trend,
alpha = 0.05, powertrans = "2/3", limit54 = c(5, 4)``):

* reference values: the weeks ``t − 52i + j`` for ``i = 1..b`` years and ``j = −w..w``;
* a quasi-Poisson GLM ``log μ = β0 + β1·time`` fitted by IRLS; dispersion φ = max(1, Pearson χ²/df);
* reweighting: standardised Anscombe residuals ``s = 1.5 (y^⅔ μ^−⅙ − μ^½) / √(φ (1 − h))``; weights
  ``γ s⁻²`` where s > 1, ``γ`` elsewhere (γ makes them sum to n), then a refit (φ again);
* the trend is kept only if its t-test p < 0.05, b ≥ 3 and the prediction does not exceed the largest
  reference value; otherwise the model is refitted without it;
* threshold from the ⅔-power transform: ``U = (μ0^⅔ + z √(4/9 μ0^⅓ τ))^{3/2}`` with
  ``τ = φ + se(μ0)²/μ0`` and ``z = Φ⁻¹(1 − α/2)``;
* alarm when ``y > U`` and at least 5 cases occurred in the last 4 weeks; score ``(y − μ0)/(U − μ0)``.

Improved (Noufaily et al. 2013) — as ``surveillance::farringtonFlexible`` with ``noPeriods = 10,
pastWeeksNotIncluded = 26, weightsThreshold = 2.58, thresholdMethod = "nbPlugin"``: every past week of
the b years (except the last 26) enters the GLM, with a 10-level seasonal factor (the ±w windows around
the same week of past years, and 9 blocks between them), so far more data estimate φ and the trend;
outbreaks are downweighted only above s > 2.58; the threshold is the (1 − α) quantile of a negative
binomial with mean μ0 and variance φ μ0 (Poisson when φ = 1). The score is ``(y − μ0)/(U − μ0)``
(R divides by the linear predictor there, a quirk this module does not copy; the alarm is the same).

The reference weeks of a judged week t are fixed offsets from t, so one design matrix serves every
(series, week) problem and the IRLS runs on all of them at once. R fits each with ``glm``; the numbers
agree to the last few digits (``tests/analytics/test_farrington_reference.py``).

References: C. P. Farrington, N. J. Andrews, A. D. Beale, M. A. Catchpole (1996), A statistical algorithm
for the early detection of outbreaks of infectious disease, JRSS A 159, 547–563. A. Noufaily, D. G.
Enki, P. Farrington, P. Garthwaite, N. Andrews, A. Charlett (2013), An improved algorithm for outbreak
detection in multiple surveillance systems, Statistics in Medicine 32, 1206–1222. M. Salmon, D. Schumacher,
M. Höhle (2016), Monitoring count time series in R: aberration detection in public health surveillance,
Journal of Statistical Software 70(10).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial

import numpy as np
from scipy import stats

from antt.analytics.alerts import (
    WEEKS_PER_YEAR,
    BoolArray,
    Detection,
    Detector,
    FloatArray,
    IntArray,
    as_counts,
    as_weeks,
)

CHUNK = 20_000  # (series, week) problems per batch: bounds memory at ~ CHUNK × reference weeks × 8 bytes


@dataclass(frozen=True)
class Design:
    """The reference weeks (offsets from the judged week, all negative) and the GLM columns."""

    offsets: IntArray  # (n,)
    seasons: IntArray  # (n,) seasonal level 0..levels-1 of each reference week
    levels: int
    season_now: int  # the level of the judged week


def classic_design(b: int, w: int, freq: int = WEEKS_PER_YEAR) -> Design:
    offsets = np.array([-freq * i + j for i in range(b, 0, -1) for j in range(-w, w + 1)], dtype=np.int64)
    return Design(offsets, np.zeros(offsets.size, dtype=np.int64), 1, 0)


def noufaily_design(
    b: int, w: int, periods: int, past_weeks_not_included: int, freq: int = WEEKS_PER_YEAR
) -> Design:
    """The blocks of ``surveillance:::blocks``: around each same-week-of-a-past-year a ±w window (level
    ``periods``), and the weeks between consecutive windows cut into ``periods − 1`` blocks (lengths as
    even as possible, the first ones longer); weeks older than the oldest window, and the last
    ``past_weeks_not_included`` weeks, are left out."""
    level: dict[int, int] = {}
    for j in range(-w, 1):
        level[j] = periods
    for i in range(1, b + 1):
        ref = -freq * i
        for j in range(ref - w, ref + w + 1):
            level[j] = periods
        if periods != 1:
            gap = freq - 2 * w - 1
            base, rest = divmod(gap, periods - 1)
            lengths = [base + (1 if k < rest else 0) for k in range(periods - 1)]
            start = ref + w + 1
            for k, n in enumerate(lengths, start=1):
                for j in range(start, start + n):
                    level[j] = k
                start += n
    offsets = np.array(sorted(d for d in level if d < -past_weeks_not_included), dtype=np.int64)
    raw = np.array([level[d] for d in offsets], dtype=np.int64)
    present = np.unique(raw)
    index = {lv: n for n, lv in enumerate(present)}
    return Design(
        offsets, np.array([index[v] for v in raw], dtype=np.int64), present.size, index.get(periods, 0)
    )


@dataclass(frozen=True)
class Fit:
    beta: FloatArray  # (m, p)
    mu: FloatArray  # (m, n)
    cov: FloatArray  # (m, p, p) = (X' W X)⁻¹, the unscaled covariance
    dispersion: FloatArray  # (m,) Pearson χ² / df (not floored)
    # Σ ω ((y − μ)/μ)² / df: what R's summary.glm reports for a farringtonFlexible model, whose working
    # weights are overwritten by the prior weights ω (see ``noufaily``)
    r_flexible_dispersion: FloatArray


def quasi_poisson(x: FloatArray, y: FloatArray, prior: FloatArray, iterations: int = 50) -> Fit:
    """Quasi-Poisson log-linear fits of many responses ``y (m, n)`` on one design ``x (n, p)`` with prior
    weights, by IRLS started as R's ``glm.fit`` (μ = y + 0.1) and stopped by its deviance criterion."""
    m = y.shape[0]
    p = x.shape[1]
    mu = y + 0.1
    eta = np.log(mu)
    deviance = np.full(m, np.inf)
    active = np.ones(m, dtype=bool)
    beta = np.zeros((m, p))
    cov = np.zeros((m, p, p))
    ridge = 1e-10 * np.eye(p)
    ylogy = np.where(y > 0, y * np.log(np.where(y > 0, y, 1.0)), 0.0)
    outer = (x[:, :, None] * x[:, None, :]).reshape(x.shape[0], p * p)  # X'WX = W · (x xᵀ): one matmul
    for _ in range(iterations):
        idx = np.flatnonzero(active)
        if idx.size == 0:
            break
        w = prior[idx] * mu[idx]
        z = eta[idx] + (y[idx] - mu[idx]) / mu[idx]
        xtwx = (w @ outer).reshape(idx.size, p, p) + ridge
        xtwz = (w * z) @ x
        inv = np.linalg.inv(xtwx)
        b = np.einsum("mpq,mq->mp", inv, xtwz)
        e = np.clip(b @ x.T, -50.0, 50.0)
        u = np.exp(e)
        dev = 2.0 * np.sum(prior[idx] * (ylogy[idx] - y[idx] * e - (y[idx] - u)), axis=1)
        done = np.abs(dev - deviance[idx]) / (np.abs(dev) + 0.1) < 1e-8
        beta[idx], cov[idx], eta[idx], mu[idx], deviance[idx] = b, inv, e, u, dev
        active[idx[done]] = False
    used = prior > 0
    df = np.maximum(used.sum(axis=1) - p, 1)
    dispersion = np.sum(prior * (y - mu) ** 2 / mu, axis=1) / df
    flexible = np.sum(prior * ((y - mu) / mu) ** 2, axis=1) / df
    return Fit(beta, mu, cov, dispersion, flexible)


def _reweighted(x: FloatArray, y: FloatArray, threshold: float) -> tuple[Fit, FloatArray]:
    """Fit, Anscombe residuals, weights (``algo.farrington.assign.weights``), refit; → fit and φ."""
    ones = np.ones_like(y)
    first = quasi_poisson(x, y, ones)
    phi = np.maximum(first.dispersion, 1.0)
    hat = first.mu * np.einsum("mnq,nq->mn", np.einsum("np,mpq->mnq", x, first.cov), x)
    with np.errstate(divide="ignore", invalid="ignore"):
        s = 1.5 * (y ** (2 / 3) * first.mu ** (-1 / 6) - np.sqrt(first.mu))
        s = s / np.sqrt(phi[:, None] * np.clip(1.0 - hat, 1e-12, None))
        down = s > threshold
        raw = np.where(down, s**-2.0, 1.0)
    gamma = y.shape[1] / raw.sum(axis=1)
    omega = gamma[:, None] * raw
    second = quasi_poisson(x, y, omega)
    return second, np.maximum(second.dispersion, 1.0)


@dataclass(frozen=True)
class Prediction:
    mu0: FloatArray
    se_link: FloatArray  # standard error of the linear predictor at the judged week, scale φ
    se_link_raw: FloatArray  # the same with the unfloored dispersion (what farringtonFlexible uses)
    phi: FloatArray
    trend: BoolArray


def predict(
    design: Design,
    windows: FloatArray,
    *,
    b: int,
    trend: bool,
    reweight_threshold: float,
    flexible: bool = False,
) -> Prediction:
    """The fitted expectation at the judged week for every window ``(m, n)`` of reference counts.

    ``flexible``: as ``farringtonFlexible``, whose reweighted model carries the prior weights ω in place
    of the working weights, so that R's ``summary.glm`` — hence the trend's t-test and the standard error
    of the "muan" threshold — uses Σ ω ((y − μ)/μ)² / df as the dispersion. Copied for agreement with R
    (it makes a trend on a high-count series look more significant than Pearson's χ² would)."""
    n = design.offsets.size
    season = np.zeros((n, design.levels))
    season[np.arange(n), design.seasons] = 1.0
    x0 = season  # one indicator per seasonal level (the intercept when there is one level)
    now0 = np.zeros(design.levels)
    now0[design.season_now] = 1.0

    def raw(fit: Fit) -> FloatArray:
        return fit.r_flexible_dispersion if flexible and np.isfinite(reweight_threshold) else fit.dispersion

    def at_now(fit: Fit, phi: FloatArray, xnow: FloatArray) -> tuple[FloatArray, FloatArray, FloatArray]:
        eta = fit.beta @ xnow
        var = np.einsum("p,mpq,q->m", xnow, fit.cov, xnow)
        return np.exp(eta), np.sqrt(phi * var), np.sqrt(raw(fit) * var)

    flat, phi = _reweighted(x0, windows, reweight_threshold)
    mu0, se, se_raw = at_now(flat, phi, now0)
    kept = np.zeros(windows.shape[0], dtype=bool)
    if trend:
        time = design.offsets.astype(np.float64)[:, None]
        xt = np.hstack([x0, time])
        xtnow = np.append(now0, 0.0)
        sloped, phi_t = _reweighted(xt, windows, reweight_threshold)
        mu_t, se_t, se_t_raw = at_now(sloped, phi_t, xtnow)
        p = xt.shape[1]
        df = np.maximum(n - p, 1)
        t_stat = sloped.beta[:, -1] / np.sqrt(raw(sloped) * sloped.cov[:, -1, -1])
        pvalue = 2.0 * stats.t.sf(np.abs(t_stat), df)
        kept = (b >= 3) & (pvalue < 0.05) & (mu_t <= windows.max(axis=1))
        mu0 = np.where(kept, mu_t, mu0)
        se = np.where(kept, se_t, se)
        se_raw = np.where(kept, se_t_raw, se_raw)
        phi = np.where(kept, phi_t, phi)
    return Prediction(mu0, se, se_raw, phi, kept)


def _recent(counts: IntArray, weeks: IntArray, span: int) -> IntArray:
    """Cases in the ``span`` weeks ending with each judged week (the week itself included)."""
    cumulative = np.concatenate([np.zeros((counts.shape[0], 1), dtype=np.int64), counts.cumsum(axis=1)], 1)
    recent: IntArray = cumulative[:, weeks + 1] - cumulative[:, np.maximum(weeks + 1 - span, 0)]
    return recent


def fitted(
    counts: IntArray,
    weeks: IntArray,
    *,
    design: Design,
    b: int,
    trend: bool,
    reweight_threshold: float,
    flexible: bool,
    threshold_of: str = "nb",
    alpha: float = 0.01,
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """The fitted expectation μ0, dispersion φ (≥ 1) and upper threshold of every series at every judged
    week, each ``(series, len(weeks))``; the GLMs run in batches of :data:`CHUNK` problems."""
    series, judged = counts.shape[0], weeks.size
    expected = np.empty(series * judged)
    dispersion = np.empty(series * judged)
    upper = np.empty(series * judged)
    for start in range(0, series * judged, CHUNK):
        rows = np.arange(start, min(start + CHUNK, series * judged))
        s, k = np.divmod(rows, judged)
        windows = counts[s[:, None], weeks[k][:, None] + design.offsets[None, :]].astype(np.float64)
        # a series without a case in its reference weeks expects 0 (R's fit tends to 0 the same way, after
        # every IRLS iteration): most commune × group series of a city are such, and skipping them keeps
        # the weekly scan fast
        empty = windows.sum(axis=1) == 0
        expected[rows[empty]], dispersion[rows[empty]], upper[rows[empty]] = 0.0, 1.0, 0.0
        fit = rows[~empty]
        if fit.size == 0:
            continue
        pred = predict(
            design,
            windows[~empty],
            b=b,
            trend=trend,
            reweight_threshold=reweight_threshold,
            flexible=flexible,
        )
        expected[fit] = pred.mu0
        dispersion[fit] = pred.phi
        upper[fit] = threshold(pred, threshold_of, alpha)
    shape = (series, judged)
    return expected.reshape(shape), dispersion.reshape(shape), upper.reshape(shape)


def _run(
    counts_in: IntArray,
    weeks_in: IntArray,
    *,
    name: str,
    design: Design,
    b: int,
    trend: bool,
    reweight_threshold: float,
    threshold_of: str,
    alpha: float,
    limit: tuple[int, int],
    flexible: bool,
) -> Detection:
    counts = as_counts(counts_in)
    weeks = as_weeks(weeks_in, counts.shape[1], -int(design.offsets.min()))
    mu0, _, limit_u = fitted(
        counts,
        weeks,
        design=design,
        b=b,
        trend=trend,
        reweight_threshold=reweight_threshold,
        flexible=flexible,
        threshold_of=threshold_of,
        alpha=alpha,
    )
    return judge(name, counts, weeks, mu0, limit_u, limit)


def judge(
    name: str,
    counts: IntArray,
    weeks: IntArray,
    mu0: FloatArray,
    limit_u: FloatArray,
    limit: tuple[int, int],
) -> Detection:
    """Alarm where the count exceeds the threshold, is not 0, and the last ``limit[1]`` weeks hold at
    least ``limit[0]`` cases (Farrington's rule)."""
    observed = counts[:, weeks]
    enough = _recent(counts, weeks, limit[1]) >= limit[0]
    with np.errstate(divide="ignore", invalid="ignore"):
        score = (observed - mu0) / (limit_u - mu0)
    alarm = enough & (observed > limit_u) & (observed > 0)
    return Detection(name, weeks, observed, mu0, limit_u, score, alarm)


def threshold(pred: Prediction, kind: str, alpha: float) -> FloatArray:
    if kind == "two_thirds":  # algo.farrington: two-sided α on the ⅔-power scale
        z = stats.norm.ppf(1.0 - alpha / 2.0)
        se_mu = pred.mu0 * pred.se_link
        with np.errstate(divide="ignore", invalid="ignore"):  # μ0 = 0: no bound (NaN), so no alarm
            tau = pred.phi + se_mu**2 / pred.mu0
        se = np.sqrt(4.0 / 9.0 * pred.mu0 ** (1.0 / 3.0) * tau)
        return np.asarray((pred.mu0 ** (2.0 / 3.0) + z * se) ** 1.5, dtype=np.float64)
    mu = pred.mu0
    if kind == "muan":  # the upper (1 − α) bound of μ0, then its quantile
        mu = np.exp(np.log(pred.mu0) + stats.norm.ppf(1.0 - alpha) * pred.se_link_raw)
    over = pred.phi > 1.0
    size = np.where(over, mu / np.where(over, pred.phi - 1.0, 1.0), 1.0)
    nb = stats.nbinom.ppf(1.0 - alpha, size, 1.0 / pred.phi)
    return np.asarray(np.where(over, nb, stats.poisson.ppf(1.0 - alpha, mu)), dtype=np.float64)


def farrington(
    counts: IntArray,
    weeks: IntArray,
    *,
    b: int | None = 5,
    w: int = 3,
    alpha: float = 0.05,
    trend: bool = True,
    reweight: bool = True,
    limit: tuple[int, int] = (5, 4),
    name: str = "farrington",
    freq: int = WEEKS_PER_YEAR,
) -> Detection:
    """R ``algo.farrington`` (defaults as there) on every series at every judged week; ``b = None``: as
    many past years (at most 5) as the earliest judged week has. ``freq``: periods a year (52 weekly,
    12 monthly), the ``freq`` of R's data."""
    b = years_available(weeks, w, 0, freq=freq) if b is None else b
    return _run(
        counts,
        weeks,
        name=name,
        design=classic_design(b, w, freq),
        b=b,
        trend=trend,
        reweight_threshold=1.0 if reweight else np.inf,
        threshold_of="two_thirds",
        alpha=alpha,
        limit=limit,
        flexible=False,
    )


def noufaily(
    counts: IntArray,
    weeks: IntArray,
    *,
    b: int | None = 5,
    w: int = 3,
    alpha: float = 0.05,
    periods: int = 10,
    past_weeks_not_included: int = 26,
    weights_threshold: float = 2.58,
    trend: bool = True,
    method: str = "nbPlugin",
    limit: tuple[int, int] = (5, 4),
    name: str = "noufaily",
    freq: int = WEEKS_PER_YEAR,
) -> Detection:
    """R ``farringtonFlexible`` with the settings of Noufaily et al. (2013) on every series and week;
    ``b = None``: as many past years (at most 5) as the earliest judged week has. ``freq``: periods a year
    (52 weekly, 12 monthly; ``past_weeks_not_included`` then counts months)."""
    b = years_available(weeks, w, 0, freq=freq) if b is None else b
    return _run(
        counts,
        weeks,
        name=name,
        design=noufaily_design(b, w, periods, past_weeks_not_included, freq),
        b=b,
        trend=trend,
        reweight_threshold=weights_threshold,
        threshold_of="muan" if method == "muan" else "nb",
        alpha=alpha,
        limit=limit,
        flexible=True,
    )


def years_available(weeks: IntArray, w: int, extra: int, most: int = 5, *, freq: int = WEEKS_PER_YEAR) -> int:
    """Past years of reference periods the earliest judged one has (at least 1, at most ``most``)."""
    first = int(np.min(weeks)) if np.size(weeks) else 0
    return max(1, min(most, (first - w - extra) // freq))


def detectors() -> list[Detector]:
    history_classic = WEEKS_PER_YEAR + 3  # one past year at least; five when there are
    return [
        Detector(
            "farrington",
            partial(farrington, alpha=0.01, b=None),
            history_classic,
            "Farrington (1996): GLM tựa Poisson trên các tuần cùng kỳ 5 năm trước, α = 0,01",
            "Farrington (1996): quasi-Poisson GLM on the same weeks of 5 past years, α = 0.01",
        ),
        Detector(
            "noufaily",
            partial(noufaily, alpha=0.01, b=None),
            history_classic + 1,
            "Farrington cải tiến (Noufaily 2013): mọi tuần của 5 năm trước, 10 mùa, ngưỡng nhị thức âm",
            "Improved Farrington (Noufaily 2013): all weeks of 5 past years, 10 seasons, NB threshold",
        ),
    ]


MONTHS_PER_YEAR = 12

#: the monthly detector (reporting months, 15th–14th): the improved Farrington on ``freq = 12`` with the
#: weekly settings carried over to months — a ±1-month window around the same month of each past year
#: (±3 weeks ≈ ±1 month), the months between cut into 3 seasons of 3 (``noPeriods = 4``), the last 6 months
#: left out of the fit (26 weeks), Farrington's "5 cases in the last 4 periods"; α = 0.005, chosen with
#: ``bench/warn.py --monthly`` (seed 1, checked on seed 2): about 1 % false alarms per series-month, as the
#: weekly default per series-week (α = 0.01 gave 1.4–1.8 %); R ``farringtonFlexible`` agrees
#: (``scripts/reference/surveillance_monthly.R``)
MONTHLY = Detector(
    "noufaily_monthly",
    partial(noufaily, alpha=0.005, b=None, w=1, periods=4, past_weeks_not_included=6, freq=MONTHS_PER_YEAR),
    MONTHS_PER_YEAR + 2,
    "Farrington cải tiến theo tháng báo cáo: mọi tháng của 5 năm trước, 4 mùa, ngưỡng nhị thức âm, α = 0,005",
    "Improved Farrington by reporting month: all months of 5 past years, 4 seasons, NB threshold, α = 0.005",
)
