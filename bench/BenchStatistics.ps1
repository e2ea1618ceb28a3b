# Dot-sourced by the comparison benches: each side's headline is the run with the median figure of its rounds.

# The run whose figure is the median of the runs' (the lower middle one for an even count); $null for no runs.
function Get-MedianRun([object[]] $runs, [scriptblock] $figure) {
    if (-not $runs -or $runs.Count -eq 0) { return $null }
    $sorted = @($runs | Sort-Object { & $figure $_ })
    $sorted[[int][Math]::Floor(($sorted.Count - 1) / 2)]
}
