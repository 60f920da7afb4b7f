# Reference numbers for ANTT's monthly detector (noufaily_monthly) from R `surveillance`
# (Debian: r-cran-surveillance).
#
#   Rscript scripts/reference/surveillance_monthly.R tests/reference
#
# writes farrington_monthly_series.csv (series, month, count) and farrington_monthly_results.csv (series,
# month, expected, upperbound, alarm, trend) into the folder given; months are 1-based as in R. Three
# simulated monthly series of 9 years (seeded): seasonal Poisson with mean ~ 20, overdispersed negative
# binomial with a trend, and low counts (mean ~ 4) with an outbreak in the last year. The settings are
# those of antt.analytics.alerts.farrington.MONTHLY: farringtonFlexible on freq = 12 with b = 5, w = 1,
# noPeriods = 4, pastWeeksNotIncluded = 6, alpha = 0.005, NB plug-in threshold. The tests
# (tests/analytics/test_farrington_reference.py) read the committed CSV files: R is not needed to run them.
suppressPackageStartupMessages(library(surveillance))

args <- commandArgs(trailingOnly = TRUE)
out <- if (length(args) >= 1) args[1] else "tests/reference"

set.seed(20261205)
months <- 9 * 12
t <- seq_len(months)
seasonal <- rpois(months, 20 * exp(0.3 * sin(2 * pi * t / 12)))
trend <- rnbinom(months, size = 5, mu = 8 * exp(0.008 * t + 0.25 * cos(2 * pi * t / 12)))
low <- rpois(months, 4)
low[months - 7:5] <- low[months - 7:5] + c(6, 9, 7)

all_series <- list(seasonal = as.integer(seasonal), trend = as.integer(trend), low = as.integer(low))

series_rows <- do.call(rbind, lapply(names(all_series), function(name) {
  data.frame(series = name, month = seq_along(all_series[[name]]), count = all_series[[name]])
}))
write.csv(series_rows, file.path(out, "farrington_monthly_series.csv"), row.names = FALSE)

results <- list()
for (name in names(all_series)) {
  y <- all_series[[name]]
  n <- length(y)
  range <- (12 * 5 + 2):n
  s <- sts(observed = y, frequency = 12)
  flexible <- farringtonFlexible(s, control = list(range = range, b = 5, w = 1, alpha = 0.005,
    reweight = TRUE, weightsThreshold = 2.58, trend = TRUE, pThresholdTrend = 0.05,
    noPeriods = 4, pastWeeksNotIncluded = 6, thresholdMethod = "nbPlugin", limit54 = c(5, 4),
    glmWarnings = FALSE))
  results[[length(results) + 1]] <- data.frame(
    series = name, month = range, expected = as.numeric(flexible@control$expected),
    upperbound = as.numeric(upperbound(flexible)), alarm = as.integer(alarms(flexible)),
    trend = as.integer(flexible@control$trend))
}
write.csv(do.call(rbind, results), file.path(out, "farrington_monthly_results.csv"), row.names = FALSE)
cat("surveillance", as.character(packageVersion("surveillance")), "\n")
