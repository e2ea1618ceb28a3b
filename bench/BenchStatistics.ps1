# Dot-sourced by the benches: the median of figures, and each side's headline run (the run with the median figure of its rounds).

# The median of the values (the mean of the two middle ones for an even count); $null for none.
Set-StrictMode -Version 3.0
function Get-Median([double[]] $Values) {
    $v = @($Values | Sort-Object)
    if ($v.Count -eq 0) { return $null }
    if ($v.Count % 2) { $v[[int][math]::Floor($v.Count / 2)] } else { ($v[$v.Count / 2 - 1] + $v[$v.Count / 2]) / 2 }
}

# The run whose figure is the median of the runs' (the lower middle one for an even count); $null for no runs.
function Get-MedianRun([object[]] $runs, [scriptblock] $figure) {
    if (-not $runs -or $runs.Count -eq 0) { return $null }
    $sorted = @($runs | Sort-Object { & $figure $_ })
    $sorted[[int][Math]::Floor(($sorted.Count - 1) / 2)]
}
