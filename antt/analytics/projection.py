"""Target status and end-of-period projection for count and rate targets.

A target period (say the reporting year 15/12/2025–14/12/2026) is partly observed at the as-of date.
The final value is ``observed + remainder``; this module gives the predictive distribution of the
remainder, hence of the final value, the probability of meeting the target, and a status computed
from that probability (never typed in).

Counts (``fit_count_model`` → ``project_count``)
    Model: negative binomial GLM (NB2, log link) on the bins of the history (months or 7-day weeks),
    ``log μ_i = log e_i + β0 + β1·(t_i − t̄) + γ_season(i)``, ``Var y_i = μ_i + α·μ_i²``, where ``e_i``
    is the bin's exposure (length; 1 when not given), ``t`` is in years (β1 is the log-trend per year)
    and γ are treatment-coded season effects (one per season index, the first is the reference).
    α is the Pearson moment estimate, alternated with IRLS until it settles (Breslow 1984):
    ``Σ (y_i − μ_i)² / (μ_i (1 + α μ_i)) = n − p``. The moment estimate is used rather than maximum
    likelihood because ML underestimates α in short series (Lawless 1987; Saha & Paul 2005) and α sets
    the width of the interval. NB2 is preferred to quasi-Poisson because the extra variation of crime
    counts (weather, campaigns, reporting drives) is multiplicative, so it grows like μ² across a
    seasonal cycle rather than like μ (Ver Hoef & Boveng 2007), and because it is a distribution one can
    simulate from, which quasi-Poisson is not. When the Pearson χ²/df ≤ 1 (no overdispersion) α = 0 and
    the model is Poisson; it is Poisson too with fewer than ``MIN_DF_FOR_DISPERSION`` residual degrees
    of freedom. Season terms need two bins per season (two seasonal cycles) and a positive count in
    every season; the trend needs a history spanning ``MIN_TREND_SPAN_YEARS``. Terms left out are listed
    in ``notes``. With less than two cycles α is still estimated, on purpose: the seasonal variation the
    model cannot fit then widens α instead of vanishing, so the interval stays honest (a Poisson fallback
    would make it too narrow exactly when the history is short).

    Predictive distribution of the remainder R over the unobserved bins j (parameter uncertainty
    included, otherwise intervals under-cover): for d = 1..D draw β⁽ᵈ⁾ ~ N(β̂, V̂) (V̂ the GLM covariance
    at α̂), μ_j⁽ᵈ⁾ = m_j exp(x_j (β⁽ᵈ⁾ − β̂) − ½ x_jᵀ V̂ x_j) with m_j = e_j exp(x_j β̂) the plug-in mean,
    λ_j⁽ᵈ⁾ = μ_j⁽ᵈ⁾ G_j⁽ᵈ⁾ with G ~ Gamma(1/α, α) (NB2 as a gamma–Poisson mixture), Λ⁽ᵈ⁾ = Σ_j λ_j⁽ᵈ⁾;
    then R | Λ ~ Poisson(Λ). The −½ x V̂ x keeps E μ_j = m_j: the log-link ML estimate is biased low by
    about ½ x V̂ x on the log scale while m_j itself is nearly unbiased (with season terms the fitted
    totals per season equal the observed ones), so the uncorrected lognormal draw would overshoot the
    mean by that much — measurable (≈ −0.05 sd) in the calibration runs. Probabilities are
    Rao–Blackwellised, ``P(R ≤ m) = (1/D) Σ_d PoissonCDF(m; Λ⁽ᵈ⁾)``: exact given the draws, smooth and
    monotone in m. The mean and standard deviation of R are analytic: ``E R = Σ_j m_j``,
    ``Var R = E R + Σ_jk (1 + α·[j = k]) m_j m_k exp(x_jᵀ V̂ x_k) − (E R)²``.
    Not modelled: uncertainty in α, and shocks shared by all bins of one year (a year running above its
    trend); both make real intervals somewhat narrower than they should be — ``backtest`` measures it.

Rates (``project_rate``), e.g. clearance rate = cleared ÷ occurred for cases occurring in the period
    Final rate = (N_obs + L + Σ_j C_j) / (D_obs + Σ_j D_j): D_j, the cases of the unobserved bins, come
    from the count model above (simulated per bin); C_j ~ Binomial(D_j, p_j) is the binomial thinning of
    them by the probability that a case of that season is cleared by the end of the period; L ~
    Binomial(D_obs − N_obs, q) are the cases open at the as-of date that are cleared before the end.
    p and q are beta-binomial: the mean of each season's p has the Jeffreys posterior Beta(½ + C/deff,
    ½ + (O − C)/deff), and a bin's own p_j ~ Beta(m κ, (1 − m) κ) with κ = (1 − ρ)/ρ, where ρ is the
    moment estimate of the intra-bin correlation, ``Σ_i (c_i − o_i m_i)² / (o_i m_i (1 − m_i)) ≈
    (n − K)/n · Σ_i (1 + (o_i − 1) ρ)`` (Williams 1982), and deff = 1 + (ō − 1)ρ. Everything is
    simulated jointly; the probability of the final rate above a threshold is the share of draws.

Status (``status_from``): after the period, or once the outcome cannot change, met / off track;
before, on track if P(meet) ≥ 0.7, at risk if 0.3 ≤ P < 0.7, off track below 0.3. 0.7 is about where
"likely" starts in calibrated-probability language (IPCC AR5 uses ≥ 0.66): a target called on track is
more likely than not to be met by a clear margin; below 0.3 it is more likely to be missed by the same
margin; in between it needs attention. Both thresholds are arguments.

References: N. E. Breslow (1984), Extra-Poisson variation in log-linear models, Applied Statistics 33,
38–44. J. F. Lawless (1987), Negative binomial and mixed Poisson regression, Canadian Journal of
Statistics 15, 209–225. K. Saha & S. Paul (2005), Bias-corrected maximum likelihood estimator of the
negative binomial dispersion parameter, Biometrics 61, 179–185. J. M. Ver Hoef & P. L. Boveng (2007),
Quasi-Poisson vs. negative binomial regression, Ecology 88, 2766–2772. D. A. Williams (1982),
Extra-binomial variation in logistic linear models, Applied Statistics 31, 144–148.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt
import statsmodels.api as sm
from scipy import optimize, special

from antt.domain.targets import TargetStatus as Status
from antt.errors import InvalidInput

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

MIN_TREND_SPAN_YEARS = 2.0
MIN_DF_FOR_DISPERSION = 5
ON_TRACK_AT = 0.7
AT_RISK_AT = 0.3


def _invalid(vi: str, en: str) -> InvalidInput:
    return InvalidInput(vi, en)


def _integers(values: npt.ArrayLike, name: str) -> IntArray:
    arr = np.asarray(values)
    if arr.ndim != 1:
        raise _invalid(f"'{name}' phải là mảng một chiều.", f"'{name}' must be one-dimensional.")
    integral = np.issubdtype(arr.dtype, np.integer) or (
        np.issubdtype(arr.dtype, np.floating) and bool(np.all(np.isfinite(arr) & (arr == np.round(arr))))
    )
    if arr.size and not integral:
        raise _invalid(f"'{name}' phải là số nguyên.", f"'{name}' must hold integers.")
    out = arr.astype(np.int64)
    if np.any(out < 0):
        raise _invalid(f"'{name}' không được âm.", f"'{name}' must not be negative.")
    out.setflags(write=False)
    return out


def _floats(values: npt.ArrayLike, name: str, n: int, *, positive: bool = False) -> FloatArray:
    out = np.asarray(values, dtype=np.float64).copy()
    if out.shape != (n,) or not np.all(np.isfinite(out)) or (positive and np.any(out <= 0)):
        rule = "dương, hữu hạn" if positive else "hữu hạn"
        raise _invalid(
            f"'{name}' phải có {n} giá trị {rule}.",
            f"'{name}' must hold {n} finite{' positive' if positive else ''} values.",
        )
    out.setflags(write=False)
    return out


@dataclass(frozen=True, eq=False)
class Bins:
    """Bins without counts (the unobserved part of a period): season index, time in years, exposure.

    ``exposure`` is the bin's length (e.g. days; a partial bin is shorter); ``None`` means every bin has
    exposure 1. Use the same unit as the history the model was fitted on.
    """

    season: IntArray
    time: FloatArray
    exposure: FloatArray | None = None

    def __post_init__(self) -> None:
        season = _integers(self.season, "season")
        object.__setattr__(self, "season", season)
        object.__setattr__(self, "time", _floats(self.time, "time", season.size))
        if self.exposure is not None:
            object.__setattr__(
                self, "exposure", _floats(self.exposure, "exposure", season.size, positive=True)
            )

    def __len__(self) -> int:
        return int(self.season.size)


@dataclass(frozen=True, eq=False)
class CountHistory:
    """Counts per bin with the bin's season index (month 0–11, week 0–51 …), time and exposure."""

    counts: IntArray
    season: IntArray
    time: FloatArray
    exposure: FloatArray | None = None

    def __post_init__(self) -> None:
        counts = _integers(self.counts, "counts")
        bins = Bins(self.season, self.time, self.exposure)
        if len(bins) != counts.size:
            raise _invalid("'counts' và 'season' khác độ dài.", "'counts' and 'season' differ in length.")
        object.__setattr__(self, "counts", counts)
        object.__setattr__(self, "season", bins.season)
        object.__setattr__(self, "time", bins.time)
        object.__setattr__(self, "exposure", bins.exposure)

    @property
    def bins(self) -> Bins:
        return Bins(self.season, self.time, self.exposure)

    def __len__(self) -> int:
        return int(self.counts.size)


def _design(bins: Bins, trend: bool, time_center: float, levels: tuple[int, ...]) -> FloatArray:
    cols = [np.ones(len(bins))] + ([bins.time - time_center] if trend else [])
    if levels:
        unknown = sorted(set(bins.season.tolist()) - set(levels))
        if unknown:
            raise _invalid(
                f"Mùa {unknown} không có trong dữ liệu lịch sử.", f"Seasons {unknown} are not in the history."
            )
        cols.extend((bins.season == level).astype(np.float64) for level in levels[1:])
    return np.column_stack(cols)


@dataclass(frozen=True, eq=False)
class FittedCountModel:
    """A fitted NB2 (or Poisson, α = 0) log-linear model; see the module docstring."""

    coef: FloatArray
    cov: FloatArray
    alpha: float
    terms: tuple[str, ...]
    season_levels: tuple[int, ...]
    seasonal: bool
    trend: bool
    time_center: float
    uses_exposure: bool
    n_bins: int
    df_resid: int
    pearson_chi2: float
    notes: tuple[str, ...]

    @property
    def family(self) -> str:
        return "negative binomial" if self.alpha > 0 else "poisson"

    @property
    def trend_per_year(self) -> float | None:
        """Relative change per year, exp(β1) − 1 (e.g. −0.04 = 4 % fewer a year); None without trend."""
        return math.expm1(float(self.coef[1])) if self.trend else None

    @property
    def description(self) -> str:
        rhs = (
            (["log e"] if self.uses_exposure else [])
            + ["β0"]
            + (["β1·t"] if self.trend else [])
            + ([f"season[{len(self.season_levels)}]"] if self.seasonal else [])
        )
        parts = [f"{self.family} GLM: log μ = {' + '.join(rhs)}"]
        if self.trend_per_year is not None:
            parts.append(f"trend {100 * self.trend_per_year:+.1f} %/year")
        parts.append(f"α = {self.alpha:.4g} (Pearson moment)" if self.alpha > 0 else "no overdispersion term")
        parts.append(f"{self.n_bins} bins, Pearson χ²/df = {self.pearson_chi2 / max(self.df_resid, 1):.2f}")
        return "; ".join(parts + list(self.notes))

    def design(self, bins: Bins) -> FloatArray:
        """Model matrix rows for ``bins`` (intercept, centred time, season indicators)."""
        return _design(bins, self.trend, self.time_center, self.season_levels if self.seasonal else ())

    def log_exposure(self, bins: Bins) -> FloatArray:
        if (bins.exposure is not None) != self.uses_exposure:
            raise _invalid(
                "Độ dài kỳ (exposure) phải được cho ở cả lịch sử và phần còn lại, hoặc không ở đâu cả.",
                "Exposure must be given for both the history and the remaining bins, or for neither.",
            )
        return np.zeros(len(bins)) if bins.exposure is None else np.log(bins.exposure)

    def mean(self, bins: Bins) -> FloatArray:
        """Plug-in means e_j exp(x_j β̂) (without the parameter-uncertainty correction)."""
        return np.asarray(np.exp(self.design(bins) @ self.coef + self.log_exposure(bins)), dtype=np.float64)


def _moment_alpha(y: FloatArray, mu: FloatArray, df: int) -> float:
    """Solve Σ (y − μ)²/(μ(1 + αμ)) = df for α ≥ 0 (Breslow 1984); 0 when χ²/df ≤ 1."""
    r2 = (y - mu) ** 2

    def excess(alpha: float) -> float:
        return float(np.sum(r2 / (mu * (1.0 + alpha * mu)))) - df

    if excess(0.0) <= 0:
        return 0.0
    hi = 1.0
    while excess(hi) > 0:
        hi *= 4.0
    return float(optimize.brentq(excess, 0.0, hi, xtol=1e-12, rtol=1e-10))


def fit_count_model(
    history: CountHistory, *, trend: bool = True, seasonal: bool = True, overdispersion: bool = True
) -> FittedCountModel:
    """Fit the NB2 log-linear count model of the module docstring by IRLS (statsmodels GLM).

    ``trend``/``seasonal``/``overdispersion`` allow the terms; each is still dropped (and said so in
    ``notes``) when the history cannot support it.
    """
    y = history.counts.astype(np.float64)
    n = y.size
    if n == 0 or y.sum() == 0:
        raise _invalid(
            "Lịch sử không có vụ việc nào: không ước lượng được mô hình đếm.",
            "The history holds no events: a count model cannot be fitted.",
        )
    notes: list[str] = []
    levels = tuple(int(v) for v in np.unique(history.season))
    per_season = np.array([y[history.season == level].sum() for level in levels])
    use_season = seasonal and len(levels) > 1
    if use_season and n < 2 * len(levels):
        use_season = False
        notes.append("season terms left out: fewer than two bins per season (seasonality goes into α)")
    elif use_season and np.any(per_season == 0):
        use_season = False
        notes.append("season terms left out: a season with no events")
    span = float(history.time.max() - history.time.min())
    use_trend = trend and span >= MIN_TREND_SPAN_YEARS
    if trend and not use_trend:
        notes.append(f"trend left out: history spans {span:.1f} < {MIN_TREND_SPAN_YEARS:g} years")
    p = 1 + int(use_trend) + (len(levels) - 1 if use_season else 0)
    if n <= p:
        raise _invalid("Quá ít kỳ dữ liệu để ước lượng mô hình.", "Too few bins to fit the model.")
    center = float(history.time.mean())
    x = _design(history.bins, use_trend, center, levels if use_season else ())
    offset = np.zeros(n) if history.exposure is None else np.log(history.exposure)
    result = sm.GLM(y, x, family=sm.families.Poisson(), offset=offset).fit()
    alpha = 0.0
    estimate_alpha = overdispersion and n - p >= MIN_DF_FOR_DISPERSION
    if overdispersion and not estimate_alpha:
        notes.append(
            f"Poisson: fewer than {MIN_DF_FOR_DISPERSION} residual degrees of freedom to estimate overdispersion"
        )
    if estimate_alpha:
        for _ in range(50):
            new = _moment_alpha(y, np.asarray(result.mu), n - p)
            if new == 0.0:
                if alpha > 0.0:
                    result = sm.GLM(y, x, family=sm.families.Poisson(), offset=offset).fit()
                alpha = 0.0
                break
            family = sm.families.NegativeBinomial(alpha=new)
            result = sm.GLM(y, x, family=family, offset=offset).fit(start_params=result.params)
            done = abs(new - alpha) <= 1e-5 * new
            alpha = new
            if done:
                break
    mu = np.asarray(result.mu)
    chi2 = float(np.sum((y - mu) ** 2 / (mu * (1.0 + alpha * mu))))
    terms = (
        ("intercept",)
        + (("trend",) if use_trend else ())
        + tuple(f"season={v}" for v in levels[1:] if use_season)
    )
    return FittedCountModel(
        coef=np.asarray(result.params, dtype=np.float64),
        cov=np.asarray(result.cov_params(), dtype=np.float64),
        alpha=alpha,
        terms=terms,
        season_levels=levels,
        seasonal=use_season,
        trend=use_trend,
        time_center=center,
        uses_exposure=history.exposure is not None,
        n_bins=n,
        df_resid=n - p,
        pearson_chi2=chi2,
        notes=tuple(notes),
    )


def _simulate_bin_means(
    model: FittedCountModel, bins: Bins, rng: np.random.Generator, draws: int
) -> FloatArray:
    """λ draws, shape [draws, bins]: β from its asymptotic normal, then the NB2 gamma multiplier."""
    x = model.design(bins)
    w, v = np.linalg.eigh(model.cov)
    root = v * np.sqrt(np.clip(w, 0.0, None))  # root @ rootᵀ = V̂, also when V̂ is near-singular
    # einsum rather than @: tall, thin products that a busy multi-threaded BLAS makes slower, not faster
    beta = model.coef + np.einsum("dk,ik->di", rng.standard_normal((draws, model.coef.size)), root)
    half_var = 0.5 * np.einsum("ji,ik,jk->j", x, model.cov, x)
    lam = np.exp(np.einsum("di,ji->dj", beta, x) + model.log_exposure(bins) - half_var)
    if model.alpha > 0:
        shape = 1.0 / model.alpha
        lam = lam * rng.gamma(shape, model.alpha, size=lam.shape)
    return np.asarray(lam, dtype=np.float64)


def _analytic_moments(model: FittedCountModel, bins: Bins) -> tuple[FloatArray, float]:
    """E μ_j per bin and the standard deviation of R (formulas in the module docstring)."""
    x = model.design(bins)
    mean = model.mean(bins)
    second = np.outer(mean, mean) * np.exp(x @ model.cov @ x.T) * (1.0 + model.alpha * np.eye(len(bins)))
    var = float(mean.sum() + second.sum() - mean.sum() ** 2)
    return mean, math.sqrt(max(var, 0.0))


def _mixture_cdf(m: int, rates: FloatArray) -> float:
    return 0.0 if m < 0 else float(np.mean(special.pdtr(m, rates)))


def _mixture_quantile(q: float, rates: FloatArray, start: int) -> int:
    """Smallest integer m ≥ 0 with (1/D) Σ_d PoissonCDF(m; Λ_d) ≥ q, searched outward from ``start``."""
    if rates.size == 0 or float(rates.max()) == 0.0:
        return 0
    step, start = 1, max(start, 0)
    if _mixture_cdf(start, rates) >= q:  # F(hi) ≥ q > F(lo) throughout
        hi, lo = start, start - 1
        while lo >= 0 and _mixture_cdf(lo, rates) >= q:
            hi, step = lo, 2 * step
            lo = max(hi - step, -1)
    else:
        lo, hi = start, start + 1
        while _mixture_cdf(hi, rates) < q:
            lo, step = hi, 2 * step
            hi = lo + step
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if _mixture_cdf(mid, rates) >= q:
            hi = mid
        else:
            lo = mid
    return hi


@dataclass(frozen=True)
class CountProjection:
    """Predictive distribution of a period's total count: observed so far + the simulated remainder."""

    observed: int
    expected_remainder: float
    remainder_sd: float
    expected_total: float
    interval: tuple[int, int]
    level: float
    model: str
    dispersion: float
    remainder_by_bin: tuple[float, ...]
    rates: FloatArray = field(repr=False, compare=False)

    def probability_at_most(self, limit: float) -> float:
        """P(total ≤ limit). For a strict limit, P(total < L) = 1 − probability_at_least(L)."""
        return _mixture_cdf(math.floor(limit) - self.observed, self.rates)

    def probability_at_least(self, limit: float) -> float:
        """P(total ≥ limit)."""
        return 1.0 - _mixture_cdf(math.ceil(limit) - 1 - self.observed, self.rates)

    def quantile(self, q: float) -> int:
        """Smallest total t with P(total ≤ t) ≥ q."""
        return self.observed + _mixture_quantile(q, self.rates, round(float(np.mean(self.rates))))


def _check_draws(level: float, draws: int) -> None:
    if not 0.0 < level < 1.0 or draws < 100:
        raise _invalid("Cần 0 < level < 1 và draws ≥ 100.", "Need 0 < level < 1 and draws ≥ 100.")


def project_count(
    model: FittedCountModel,
    remaining: Bins,
    *,
    observed: int,
    rng: np.random.Generator,
    level: float = 0.9,
    draws: int = 20_000,
) -> CountProjection:
    """Project the period's total = ``observed`` + the count of the ``remaining`` bins.

    The interval is equal-tailed at ``level`` from the Rao–Blackwellised mixture (module docstring).
    """
    _check_draws(level, draws)
    if observed < 0:
        raise _invalid("Số đã quan sát không được âm.", "The observed count must not be negative.")
    rates = _simulate_bin_means(model, remaining, rng, draws).sum(axis=1)
    by_bin, sd = _analytic_moments(model, remaining)
    guess = np.quantile(rng.poisson(rates), [(1.0 - level) / 2.0, (1.0 + level) / 2.0])
    lower = _mixture_quantile((1.0 - level) / 2.0, rates, int(guess[0]))
    upper = _mixture_quantile((1.0 + level) / 2.0, rates, int(guess[1]))
    remainder = float(by_bin.sum())
    return CountProjection(
        observed=int(observed),
        expected_remainder=remainder,
        remainder_sd=sd,
        expected_total=observed + remainder,
        interval=(int(observed) + lower, int(observed) + upper),
        level=level,
        model=f"{model.description}; predictive: β ~ N(β̂, V̂), NB outcomes, {draws} draws",
        dispersion=model.alpha,
        remainder_by_bin=tuple(float(v) for v in by_bin),
        rates=rates,
    )


@dataclass(frozen=True, eq=False)
class Proportions:
    """Successes of trials per historical bin (e.g. cleared by the period's end of cases that occurred)."""

    successes: IntArray
    trials: IntArray
    season: IntArray | None = None

    def __post_init__(self) -> None:
        s, t = _integers(self.successes, "successes"), _integers(self.trials, "trials")
        if s.size != t.size or np.any(s > t):
            raise _invalid(
                "Cần successes ≤ trials, cùng độ dài.", "Need successes ≤ trials, of equal length."
            )
        object.__setattr__(self, "successes", s)
        object.__setattr__(self, "trials", t)
        if self.season is not None:
            season = _integers(self.season, "season")
            if season.size != s.size:
                raise _invalid("'season' khác độ dài.", "'season' differs in length.")
            object.__setattr__(self, "season", season)


@dataclass(frozen=True)
class _BetaBinomial:
    levels: tuple[int, ...]  # () when pooled
    a: FloatArray  # Beta posterior of each level's mean
    b: FloatArray
    rho: float  # intra-bin correlation

    def index(self, season: IntArray) -> IntArray:
        if not self.levels:
            return np.zeros(season.size, dtype=np.int64)
        missing = sorted(set(season.tolist()) - set(self.levels))
        if missing:
            raise _invalid(
                f"Mùa {missing} không có trong lịch sử tỷ lệ.",
                f"Seasons {missing} are not in the rate history.",
            )
        return np.searchsorted(np.array(self.levels), season).astype(np.int64)

    def draw(self, groups: IntArray, rng: np.random.Generator, draws: int) -> FloatArray:
        """Per-draw, per-bin probabilities, shape [draws, len(groups)]."""
        mean = rng.beta(self.a, self.b, size=(draws, self.a.size))[:, groups]
        if self.rho <= 0.0:
            return np.asarray(mean, dtype=np.float64)
        kappa = (1.0 - self.rho) / self.rho
        return np.asarray(rng.beta(mean * kappa, (1.0 - mean) * kappa), dtype=np.float64)


def _fit_beta_binomial(history: Proportions, seasonal: bool) -> _BetaBinomial:
    """Per-season Jeffreys posteriors of the mean, deflated by the moment estimate of ρ (Williams 1982)."""
    c, o = history.successes.astype(np.float64), history.trials.astype(np.float64)
    levels: tuple[int, ...] = ()
    if history.season is None or not seasonal:
        groups = np.zeros(c.size, dtype=np.int64)
    else:
        uniq, groups = np.unique(history.season, return_inverse=True)
        levels = tuple(int(v) for v in uniq)
    k = max(len(levels), 1)
    sum_c, sum_o = np.bincount(groups, c, k), np.bincount(groups, o, k)
    m = (sum_c[groups] + 0.5) / (sum_o[groups] + 1.0)
    used = o > 0
    n, rho = int(used.sum()), 0.0
    if n > k and np.sum(o[used] - 1.0) > 0:
        chi2 = float(np.sum((c - o * m)[used] ** 2 / (o * m * (1.0 - m))[used]))
        rho = float(np.clip((chi2 * n / (n - k) - n) / np.sum(o[used] - 1.0), 0.0, 0.999))
    mean_trials = sum_o / np.maximum(np.bincount(groups[used], minlength=k), 1)
    deff = 1.0 + np.maximum(mean_trials - 1.0, 0.0) * rho
    return _BetaBinomial(levels, 0.5 + sum_c / deff, 0.5 + (sum_o - sum_c) / deff, rho)


@dataclass(frozen=True)
class RateProjection:
    """Predictive distribution of a final rate numerator ÷ denominator (e.g. the clearance rate)."""

    observed_numerator: int
    observed_denominator: int
    expected_numerator: float
    expected_denominator: float
    expected_rate: float
    interval: tuple[float, float]
    level: float
    model: str
    clearance_probability: float
    late_clearance_probability: float | None
    draws: int
    rates: FloatArray = field(repr=False, compare=False)  # sorted, finite draws only

    @property
    def observed_rate(self) -> float | None:
        return self.observed_numerator / self.observed_denominator if self.observed_denominator else None

    def probability_above(self, threshold: float) -> float:
        """P(final rate > threshold); a draw with no cases at all (rate undefined) does not count."""
        return float(self.rates.size - np.searchsorted(self.rates, threshold, side="right")) / self.draws

    def probability_at_least(self, threshold: float) -> float:
        """P(final rate ≥ threshold)."""
        return float(self.rates.size - np.searchsorted(self.rates, threshold, side="left")) / self.draws


def project_rate(
    occurred: FittedCountModel,
    remaining: Bins,
    *,
    observed_numerator: int,
    observed_denominator: int,
    clearance: Proportions,
    late_clearance: Proportions | None,
    rng: np.random.Generator,
    level: float = 0.9,
    draws: int = 20_000,
    seasonal: bool = True,
) -> RateProjection:
    """Project a final rate (module docstring, "Rates").

    ``occurred`` models the denominator's counts; ``clearance`` holds, per historical bin, the cases
    cleared by the end of their period out of those that occurred (with season, so a bin close to the
    period end has its own, lower, probability); ``late_clearance`` holds, per past period, the cases
    open at the equivalent as-of date and how many of them were cleared by the period end. ``None``
    assumes the cases open now stay open (a lower bound), and the ``model`` text says so.
    """
    _check_draws(level, draws)
    if not 0 <= observed_numerator <= observed_denominator:
        raise _invalid("Cần 0 ≤ tử số ≤ mẫu số.", "Need 0 ≤ numerator ≤ denominator.")
    cases = rng.poisson(_simulate_bin_means(occurred, remaining, rng, draws))
    fit_p = _fit_beta_binomial(clearance, seasonal)
    groups = fit_p.index(remaining.season)
    p = fit_p.draw(groups, rng, draws)
    numerator = observed_numerator + rng.binomial(cases, p).sum(axis=1)
    open_now = observed_denominator - observed_numerator
    late_mean: float | None = None
    late_text = "cases open now assumed to stay open (no late-clearance history)"
    if late_clearance is not None:
        fit_q = _fit_beta_binomial(late_clearance, seasonal=False)
        q = fit_q.draw(np.zeros(1, dtype=np.int64), rng, draws)[:, 0]
        numerator = numerator + rng.binomial(open_now, q)
        late_mean = float(fit_q.a[0] / (fit_q.a[0] + fit_q.b[0]))
        late_text = f"open cases cleared later with q ≈ {late_mean:.3f} (ρ = {fit_q.rho:.3g})"
    denominator = observed_denominator + cases.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        rate = numerator / denominator
    finite = np.sort(rate[np.isfinite(rate)])
    tail = (1.0 - level) / 2.0
    interval = (
        (float(np.quantile(finite, tail)), float(np.quantile(finite, 1.0 - tail)))
        if finite.size
        else (math.nan, math.nan)
    )
    p_mean = fit_p.a / (fit_p.a + fit_p.b)
    weights = occurred.mean(remaining)
    clear_p = (
        float(np.average(p_mean[groups], weights=weights)) if weights.sum() > 0 else float(np.mean(p_mean))
    )
    return RateProjection(
        observed_numerator=observed_numerator,
        observed_denominator=observed_denominator,
        expected_numerator=float(numerator.mean()),
        expected_denominator=float(denominator.mean()),
        expected_rate=float(finite.mean()) if finite.size else math.nan,
        interval=interval,
        level=level,
        model=(
            f"denominator: {occurred.description}; numerator: binomial thinning, p ≈ {clear_p:.3f} "
            f"(beta-binomial, ρ = {fit_p.rho:.3g}, {'by season' if fit_p.levels else 'pooled'}); {late_text}; "
            f"{draws} joint draws"
        ),
        clearance_probability=clear_p,
        late_clearance_probability=late_mean,
        draws=draws,
        rates=finite,
    )


def status_from(
    probability: float,
    *,
    period_over: bool,
    satisfied: bool | None,
    on_track_at: float = ON_TRACK_AT,
    at_risk_at: float = AT_RISK_AT,
) -> Status:
    """Status of a target from the probability of meeting it (thresholds in the module docstring).

    ``satisfied`` is the outcome once it is decided: at the end of the period, or earlier when it can
    no longer change (a cumulative target already reached, a count already over its limit); ``None``
    while undecided. A decided outcome wins over the probability: met, or off track.
    """
    if not 0.0 <= at_risk_at <= on_track_at <= 1.0:
        raise _invalid("Cần 0 ≤ at_risk_at ≤ on_track_at ≤ 1.", "Need 0 ≤ at_risk_at ≤ on_track_at ≤ 1.")
    if satisfied is not None:
        return Status.MET if satisfied else Status.OFF_TRACK
    if period_over:
        raise _invalid(
            "Kỳ đã kết thúc: cần biết chỉ tiêu có đạt hay không.",
            "The period is over: whether the target was met must be given.",
        )
    if not 0.0 <= probability <= 1.0:  # also rejects NaN
        raise _invalid("Xác suất phải trong [0, 1].", "The probability must lie in [0, 1].")
    if probability >= on_track_at:
        return Status.ON_TRACK
    return Status.AT_RISK if probability >= at_risk_at else Status.OFF_TRACK
