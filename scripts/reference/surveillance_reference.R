# Reference numbers for ANTT's Farrington detectors from R `surveillance` (Debian: r-cran-surveillance).
#
#   Rscript scripts/reference/surveillance_reference.R tests/reference
#
# writes farrington_series.csv (series, week, count) and farrington_results.csv (series, method, alpha,
# week, expected, upperbound, alarm, trend) into the folder given. Weeks are 1-based as in R. The
# series: the published Salmonella Agona counts of Farrington et al. (1996) shipped with `surveillance`
# (`salmonella.agona`, 312 weeks), and three simulated ones (seeded): seasonal Poisson with mean ~ 6,
# overdispersed negative binomial with a trend, and low counts (mean ~ 1.5) with an outbreak.
# The tests (tests/analytics/test_farrington_reference.py) read the committed CSV files: R is not
# needed to run them.
suppressPackageStartupMessages(library(surveillance))

args <- commandArgs(trailingOnly = TRUE)
out <- if (length(args) >= 1) args[1] else "tests/reference"

set.seed(20260413)
weeks <- 7 * 52
t <- seq_len(weeks)
seasonal <- rpois(weeks, 6 * exp(0.35 * sin(2 * pi * t / 52)))
trend <- rnbinom(weeks, size = 4, mu = 3 * exp(0.002 * t + 0.3 * cos(2 * pi * t / 52)))
low <- rpois(weeks, 1.5)
low[weeks - 30:27] <- low[weeks - 30:27] + c(4, 6, 7, 5)
data(salmonella.agona)

all_series <- list(
  agona = as.integer(salmonella.agona$observed),
  seasonal = as.integer(seasonal),
  trend = as.integer(trend),
  low = as.integer(low)
)

series_rows <- do.call(rbind, lapply(names(all_series), function(name) {
  data.frame(series = name, week = seq_along(all_series[[name]]), count = all_series[[name]])
}))
write.csv(series_rows, file.path(out, "farrington_series.csv"), row.names = FALSE)

results <- list()
for (name in names(all_series)) {
  y <- all_series[[name]]
  n <- length(y)
  range <- max(n - 51, 52 * 5 + 4):n
  for (alpha in c(0.05, 0.01)) {
    # classic Farrington, R defaults apart from alpha
    classic <- algo.farrington(create.disProg(week = seq_len(n), observed = y, state = rep(0, n), freq = 52),
      control = list(range = range, b = 5, w = 3, alpha = alpha, reweight = TRUE, trend = TRUE,
                     powertrans = "2/3", limit54 = c(5, 4)))
    results[[length(results) + 1]] <- data.frame(
      series = name, method = "farrington", alpha = alpha, week = range, expected = NA,
      upperbound = as.numeric(classic$upperbound), alarm = as.integer(classic$alarm),
      trend = as.integer(classic$trend))
    # improved Farrington (Noufaily et al. 2013)
    s <- sts(observed = y, frequency = 52)
    flexible <- farringtonFlexible(s, control = list(range = range, b = 5, w = 3, alpha = alpha,
      reweight = TRUE, weightsThreshold = 2.58, trend = TRUE, pThresholdTrend = 0.05,
      noPeriods = 10, pastWeeksNotIncluded = 26, thresholdMethod = "nbPlugin", limit54 = c(5, 4),
      glmWarnings = FALSE))
    results[[length(results) + 1]] <- data.frame(
      series = name, method = "noufaily", alpha = alpha, week = range,
      expected = as.numeric(flexible@control$expected), upperbound = as.numeric(upperbound(flexible)),
      alarm = as.integer(alarms(flexible)), trend = as.integer(flexible@control$trend))
  }
}
write.csv(do.call(rbind, results), file.path(out, "farrington_results.csv"), row.names = FALSE)
cat("surveillance", as.character(packageVersion("surveillance")), "\n")
