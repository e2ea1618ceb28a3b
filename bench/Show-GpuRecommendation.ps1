<#
.SYNOPSIS
    On a GPU machine: the card table and the buying advice for this machine's own GPUs, checked.
.DESCRIPTION
    Pipes the real device objects (live and deserialized, as from a remote session or a job) into
    Get-GpuSpec and Get-GpuRecommendation, checks that each device resolves to one card whose figures
    agree with what the driver reports, and that the first recommendation row rates that card. Prints the
    advice a user sees at 80 columns and a short table of checks; writes everything to $env:OUT if set.
    No GPU work is done: it takes a few seconds.
#>
$ErrorActionPreference = 'Stop'
Set-StrictMode -Version 3.0
Import-Module DlGpuTools
$log = if ($env:OUT) { Join-Path $env:OUT 'gpu-recommendation.txt' } else { $null }
function Out-Log([string] $Text) { Write-Host $Text; if ($log) { Add-Content -Path $log -Value $Text } }

$rows = foreach ($live in @(Get-CudaDevice)) {
    $copy = [System.Management.Automation.PSSerializer]::Deserialize([System.Management.Automation.PSSerializer]::Serialize($live))
    foreach ($pair in @(@('live', $live), @('deserialized', $copy))) {
        $how, $device = $pair
        $spec = @($device | Get-GpuSpec)
        $advice = @($device | Get-GpuRecommendation -Workload LLMInference -WarningAction SilentlyContinue)
        $gib = $device.TotalMemory / 1GB
        Out-Log ("PS> Get-CudaDevice | Get-GpuRecommendation -Workload LLMInference   # {0} object, GPU {1}" -f $how, $device.Index)
        Out-Log ($advice | Out-String -Width 80)
        [pscustomobject]@{
            Gpu         = $device.Index
            Object      = $how
            DriverName  = $device.Name
            Card        = ($spec.Name -join '; ')
            OneCard     = $spec.Count -eq 1
            CcMatches   = $spec.Count -eq 1 -and $spec[0].ComputeCapability -eq $device.ComputeCapability
            MemoryOk    = $spec.Count -eq 1 -and [math]::Abs($device.TotalMemory / 1e9 - $spec[0].MemoryGB) / $spec[0].MemoryGB -lt 0.10
            FirstRow    = if ($advice) { '{0} {1}' -f $advice[0].Kind, $advice[0].Card } else { '(none)' }
            RatesIt     = $advice.Count -gt 0 -and $advice[0].Kind -eq 'Current' -and $advice[0].Card -eq $spec[0].Name
            Speed       = if ($advice) { $advice[0].Speed } else { $null }
            MemoryGiB   = [math]::Round($gib, 1)
        }
    }
}

$rows | Format-Table Gpu, Object, DriverName, Card, OneCard, CcMatches, MemoryOk, RatesIt,
    Speed -AutoSize | Out-String -Width 160 | ForEach-Object { Out-Log $_ }
$failed = @($rows | Where-Object { -not ($_.OneCard -and $_.CcMatches -and $_.MemoryOk -and $_.RatesIt) })
Out-Log ('{0} device object(s) checked, {1} failed' -f $rows.Count, $failed.Count)
if ($failed) { exit 1 }
