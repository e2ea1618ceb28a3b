# Energy beside the measurements, over the fakes: the fake NVML's counter grows at its 72.5 W board power in 20 ms
# steps (FAKENVML_ENERGY=0 takes it away, as on GPUs before Volta), so every average power here is about 72.5 W.

# Every test in this file runs under strict mode: a misspelt variable or property fails instead of reading $null.
BeforeAll { Set-StrictMode -Version 3.0 }

BeforeDiscovery {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    $script:NoFakes = -not (Test-FakesAvailable)
}

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    Import-Module $ModuleManifest -Force

    function Test-Fits([string] $Text) {
        ($Text -split "`n" | Where-Object { $_.TrimEnd().Length -gt 80 }) | Should -BeNullOrEmpty -Because $Text
    }

    # Within the figure's own stated uncertainty (a busy host reads the counter late, so the window can be short).
    function Test-FakePower($Result) {
        $slack = [Math]::Max(1.0, [double]$Result.EnergyUncertaintyJoules) / $Result.EnergySeconds
        $Result.AveragePowerW | Should -BeGreaterOrEqual (72.5 - $slack - 0.1) -Because $Result.EnergyNote
        $Result.AveragePowerW | Should -BeLessOrEqual (72.5 + $slack + 0.1) -Because $Result.EnergyNote
    }
}

AfterAll { Clear-FakeGpu }

Describe 'Energy of Measure-GpuMatMul with the fake driver, cuBLASLt and NVML' -Skip:$NoFakes {
    AfterEach { Clear-FakeGpu }

    It 'reads the energy counter over the timed batches and gives TFLOPS per watt from the same window' {
        # A counter that moves every millisecond, so even a busy host's short window sees it move.
        Use-FakeGpu -Setting 'FAKENVML_ENERGY_UPDATE_MS=1'
        $r = Measure-GpuMatMul -Index 0 -DataType FP32 -Size 64 -Iterations 20 -Warmup 0 -AlgorithmCandidates 1
        $r.EnergyMethod | Should -Be 'EnergyCounter'
        $r.EnergyJoules | Should -BeGreaterThan 0
        $r.EnergyNote | Should -Match 'nvmlDeviceGetTotalEnergyConsumption'
        Test-FakePower $r
        # The FLOPs of every timed batch over the joules of the same window.
        $flops = 2.0 * 64 * 64 * 64 * $r.CallsPerBatch * $r.Batches
        $r.TflopsPerWatt | Should -BeGreaterThan 0
        [Math]::Abs($r.TflopsPerWatt - $flops / $r.EnergyJoules / 1e12) / $r.TflopsPerWatt | Should -BeLessThan 0.01
        ($r | ConvertTo-Json | ConvertFrom-Json).EnergyMethod | Should -Be 'EnergyCounter'
        ($r | ConvertTo-Csv | ConvertFrom-Csv).EnergyMethod | Should -Be 'EnergyCounter'
        $view = $r | Format-Table -View Energy | Out-String -Width 80
        $view | Should -Match 'Energy J\s+Avg W\s+TFLOPS/W\s+Method'
        $view | Should -Match '\s7\d\s+\d\.\d{3}\s+EnergyCounter'
        Test-Fits $view
    }

    It 'integrates sampled power where the GPU has no energy counter, and says so' {
        Use-FakeGpu -Setting 'FAKENVML_ENERGY=0'
        $r = Measure-GpuMatMul -Index 0 -DataType FP32 -Size 64 -Iterations 5 -Warmup 0 -AlgorithmCandidates 1
        $r.EnergyMethod | Should -Be 'SampledPower'
        $r.AveragePowerW | Should -Be 72.5
        $r.EnergyUncertaintyJoules | Should -BeNullOrEmpty
        $r.EnergyNote | Should -Match 'nvmlDeviceGetPowerUsage.*NVML_ERROR_NOT_SUPPORTED'
    }

    It 'keeps the benchmark and says why when NVML cannot be loaded' {
        Use-FakeGpu -Nvml 'missing/libnvidia-ml.so.1'
        $r = Measure-GpuMatMul -Index 0 -DataType FP32 -Size 64 -Iterations 2 -Warmup 0 -AlgorithmCandidates 1
        $r.Tflops | Should -BeGreaterThan 0
        $r.EnergyJoules | Should -BeNullOrEmpty
        $r.TflopsPerWatt | Should -BeNullOrEmpty
        $r.EnergyNote | Should -Match '^No energy figure: NVML could not be loaded'
    }
}

Describe 'Energy of Measure-GpuBandwidth with the fake driver and NVML' -Skip:$NoFakes {
    AfterEach { Clear-FakeGpu }

    It 'gives joules, average power and GB per joule, on one GPU and summed over a peer pair' {
        Use-FakeGpu -Setting 'FAKECUDA_EVENT_MS=0.05', 'FAKENVML_ENERGY_UPDATE_MS=1'
        $one = Measure-GpuBandwidth -Index 0 -Test device_local_copy -Size (1MB + 48) -Iterations 20 -Warmup 0
        $one.EnergyMethod | Should -Be 'EnergyCounter'
        Test-FakePower $one
        $moved = [double]$one.Bytes * $one.OperationsPerBatch * $one.Batches
        [Math]::Abs($one.GBPerJoule - $moved / $one.EnergyJoules / 1e9) / $one.GBPerJoule | Should -BeLessThan 0.01
        $list = $one | Format-List | Out-String -Width 80
        $list | Should -Match 'Energy\s+: [\d.]+ J in [\d.]+ s, [\d.]+ W average, [\d.]+ GB/J \(EnergyCounter\)'
        Test-Fits $list
        Test-Fits ($one | Format-Table -View Energy | Out-String -Width 80)

        $pairs = @(Measure-GpuBandwidth -Index 0, 1 -Test device_to_device_memcpy_read_ce -Size (1MB + 48) -Iterations 20 -Warmup 0)
        $pairs.Count | Should -BeGreaterThan 0
        foreach ($pair in $pairs) {
            $pair.EnergyNote | Should -Match ('^Sum over GPUs {0} and {1}\.' -f $pair.DeviceIndex, $pair.PeerIndex)
            # Two boards at 72.5 W each.
            $pair.AveragePowerW | Should -BeGreaterThan 100 -Because $pair.EnergyNote
        }
    }
}

Describe 'Energy of Test-GpuHealth -Level Standard with the fake driver, cuBLASLt and NVML' -Skip:$NoFakes {
    AfterEach { Clear-FakeGpu }

    It 'gives each GPU the energy and average power of its load levels, in a view within 80 columns' {
        $settings = 'FAKENVML_ECC_HISTORY=0', 'FAKENVML_GPU0_PROCESSES=0', 'FAKECUDA_EVENT_MS=0.00005', 'FAKECUDA_REAL_LIMIT_MB=512'
        Use-FakeGpu -Setting $settings
        $r = Test-GpuHealth Standard -Duration 1 -MatrixSize 64 -XidWatchSeconds 0
        foreach ($g in $r.Gpus) {
            $g.EnergyMethod | Should -Be 'EnergyCounter'
            $g.EnergySeconds | Should -BeGreaterThan 1
            Test-FakePower $g
        }

        $view = $r.Gpus | Format-Table -View Energy | Out-String -Width 80
        $view | Should -Match 'GPU\s+Verdict\s+Energy J\s+Seconds\s+Avg W\s+Method'
        Test-Fits $view
    }
}

Describe 'The energy counter in Get-GpuSample and the Prometheus text' -Skip:$NoFakes {
    AfterEach { Clear-FakeGpu }

    It 'samples the counter in millijoules and exports it as dcgm-exporter does' {
        Use-FakeGpu -Setting 'FAKENVML_ENERGY=1,0'
        $s = @(Get-GpuSample)
        $gpu0 = $s | Where-Object Index -EQ 0
        $gpu0.TotalEnergyMillijoules | Should -BeGreaterThan 0
        ($s | Where-Object Index -EQ 1).TotalEnergyMillijoules | Should -BeNullOrEmpty
        $lines = ($s | ConvertTo-GpuPrometheus) -split "`n"
        $lines | Should -Contain '# TYPE DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION counter'
        $line0 = @($lines | Where-Object { $_ -like 'DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION{gpu="0",*' })
        $line0.Count | Should -Be 1
        $line0[0] | Should -BeLike "*} $($gpu0.TotalEnergyMillijoules)"
        @($lines | Where-Object { $_ -like 'DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION{gpu="1",*' }).Count | Should -Be 0
        Test-Fits ($gpu0 | Format-List | Out-String -Width 80)
    }
}
