# Every test in this file runs under strict mode: a misspelt variable or property fails instead of reading $null.
BeforeAll { Set-StrictMode -Version 3.0 }

BeforeDiscovery {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    $script:NoFakes = -not (Test-FakesAvailable)
    $script:HasGpu = Test-GpuPresent
}

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    Import-Module $ModuleManifest -Force
    $script:HealthFqid = 'DlGpuTools.Commands.TestGpuHealthCommand'
    # A clean, idle node: the fake otherwise keeps past ECC errors and two processes on GPU 0.
    $script:Clean = 'FAKENVML_ECC_HISTORY=0', 'FAKENVML_GPU0_PROCESSES=0'
}

AfterAll { Clear-FakeGpu }

Describe 'Test-GpuHealth without a driver' {
    It 'writes the driver error, and $false with -Quiet' {
        $env:DLGPUTOOLS_CUDA_DRIVER_PATH = '/nonexistent/libcuda.so.1'
        $env:DLGPUTOOLS_NVML_PATH = '/nonexistent/libnvidia-ml.so.1'
        try {
            $r = Test-GpuHealth -XidWatchSeconds 0 -ErrorVariable err -ErrorAction SilentlyContinue
            $r | Should -BeNullOrEmpty
            $err.Count | Should -Be 1
            $err[0].FullyQualifiedErrorId | Should -Match "^(NvmlNotFound|CudaDriverNotFound),$HealthFqid$"
            Test-GpuHealth -Quiet -XidWatchSeconds 0 -ErrorAction SilentlyContinue | Should -BeFalse
        }
        finally { Clear-FakeGpu }
    }
}

Describe 'Test-GpuHealth -Quiet when the check cannot run' {
    It 'writes $false and the reason as a warning, so a scheduler script under -ErrorAction Stop does not crash' {
        $env:DLGPUTOOLS_CUDA_DRIVER_PATH = '/nonexistent/libcuda.so.1'
        $env:DLGPUTOOLS_NVML_PATH = '/nonexistent/libnvidia-ml.so.1'
        try {
            $q = @(Test-GpuHealth -Quiet -XidWatchSeconds 0 -ErrorAction Stop -WarningVariable why -WarningAction SilentlyContinue)
            $q.Count | Should -Be 1
            $q[0] | Should -BeOfType ([bool])
            $q[0] | Should -BeFalse
            "$why" | Should -Match 'NVML|libcuda|driver'
        }
        finally { Clear-FakeGpu }
    }
}

Describe 'Test-GpuHealth: the GPUs it is asked about (issue 27)' -Skip:$NoFakes {
    AfterEach { Clear-FakeGpu }

    It 'writes DeviceIndexNotFound and no report for an index the host does not have, and $false with -Quiet' {
        # -Index 7 on a host with GPUs 0 and 1 said Healthy, and -Quiet $true: a typo marked every node healthy.
        Use-FakeGpu -Setting $Clean
        $r = Test-GpuHealth -Index 7 -XidWatchSeconds 0 -ErrorVariable err -ErrorAction SilentlyContinue
        $r | Should -BeNullOrEmpty
        @($err).Count | Should -Be 1
        $err[0].FullyQualifiedErrorId | Should -Be "DeviceIndexNotFound,$HealthFqid"
        $err[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
        # One GPU of two that exist is not an answer for the host either.
        Test-GpuHealth -Index 0, 7 -XidWatchSeconds 0 -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $q = @(Test-GpuHealth -Index 7 -Quiet -XidWatchSeconds 0 -ErrorAction Stop -WarningVariable why -WarningAction SilentlyContinue)
        $q.Count | Should -Be 1
        $q[0] | Should -BeFalse
        "$why" | Should -Match 'index 7'
    }

    It 'writes DeviceUuidNotFound for a UUID the host does not have' {
        Use-FakeGpu -Setting $Clean
        $unknown = 'GPU-00000000-0000-0000-0000-000000000000'
        Test-GpuHealth -Uuid $unknown -XidWatchSeconds 0 -ErrorVariable err -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $err[0].FullyQualifiedErrorId | Should -Be "DeviceUuidNotFound,$HealthFqid"
        Test-GpuHealth -Uuid 'GPU-00000000-0000-0000-0000-000000000000' -Quiet -XidWatchSeconds 0 -WarningAction SilentlyContinue |
            Should -BeFalse
    }

    It 'checks the GPU piped to it, live, deserialized or from JSON, in one report for the host' {
        Use-FakeGpu -Setting $Clean
        $r = @(Get-CudaDevice -Index 1 | Test-GpuHealth -XidWatchSeconds 0 -ErrorVariable err)
        @($err).Count | Should -Be 0
        $r.Count | Should -Be 1
        $r[0].Gpus.Index | Should -Be @(1)
        $json = Get-CudaDevice -Index 1 | ConvertTo-Json -Depth 3 | ConvertFrom-Json
        ($json | Test-GpuHealth -XidWatchSeconds 0).Gpus.Index | Should -Be @(1)
        $copy = [System.Management.Automation.PSSerializer]::Deserialize(
            [System.Management.Automation.PSSerializer]::Serialize((Get-CudaDevice -Index 1)))
        ($copy | Test-GpuHealth -XidWatchSeconds 0).Gpus.Index | Should -Be @(1)
        (Test-GpuHealth -Uuid (Get-CudaDevice -Index 1).Uuid -XidWatchSeconds 0).Gpus.Index | Should -Be @(1)
        $both = @(Get-CudaDevice | Test-GpuHealth -XidWatchSeconds 0)
        $both.Count | Should -Be 1
        $both[0].Gpus.Index | Should -Be @(0, 1)
    }

    It 'answers $false, not $true, when nothing comes down the pipeline' {
        # A filter that matches nothing must not turn into "check every GPU and say healthy".
        Use-FakeGpu -Setting $Clean
        @() | Test-GpuHealth -XidWatchSeconds 0 | Should -BeNullOrEmpty
        @(@() | Test-GpuHealth -Quiet -XidWatchSeconds 0 -WarningAction SilentlyContinue) | Should -Be @($false)
    }
}

Describe 'Test-GpuHealth: verdict, action and -Quiet agree (issue 27)' -Skip:$NoFakes {
    AfterEach { Clear-FakeGpu }

    It 'says <Verdict> with action <Action> and -Quiet <Quiet>: the action follows from the verdict, the reason names its check' -ForEach @(
        @{ Setting = @(); Verdict = 'Healthy'; Action = 'None'; Quiet = $true; Reason = $null }
        @{ Setting = @('FAKENVML_GPU0_PROCESSES=2'); Verdict = 'Degraded'; Action = 'Watch'; Quiet = $true
        Reason = '^GPU 0: Processes: 2 process' }
        @{ Setting = @('FAKENVML_ECC_HISTORY=7', 'FAKENVML_GPU0_PROCESSES=2', 'FAKENVML_POWER_LIMIT_W=400'); Verdict = 'Degraded'
        Action = 'Configure'; Quiet = $true; Reason = '^GPU 0: Power limit: ' }
        @{ Setting = @('FAKENVML_MIG_PENDING=1'); Verdict = 'Degraded'; Action = 'Configure'; Quiet = $true; Reason = '^GPU 0: MIG mode: ' }
        @{ Setting = @('FAKENVML_PCIE_WIDTH=8', 'FAKENVML_MIG_PENDING=1'); Verdict = 'Unhealthy'; Action = 'Drain'; Quiet = $false
        Reason = '^GPU 0: PCIe link: ' }
        @{ Setting = @('FAKENVML_NVLINKS=18', 'FAKENVML_NVLINK_DOWN=3,7'); Verdict = 'Unhealthy'; Action = 'Drain'; Quiet = $false
        Reason = '^GPU 0: NVLink state: Link\(s\) 3, 7 down, 16 up' }
        @{ Setting = @('FAKENVML_RECOVERY_ACTION=reset'); Verdict = 'Unhealthy'; Action = 'ResetGpu'; Quiet = $false
        Reason = '^GPU 0: Recovery action: GPU reset' }
        @{ Setting = @('FAKENVML_RECOVERY_ACTION=reboot'); Verdict = 'Unhealthy'; Action = 'RebootNode'; Quiet = $false
        Reason = '^GPU 0: Recovery action: Node reboot' }
        @{ Setting = @('FAKENVML_RECOVERY_ACTION=drain_p2p'); Verdict = 'Unhealthy'; Action = 'Drain'; Quiet = $false
        Reason = '^GPU 0: Recovery action: Drain P2P' }
        @{ Setting = @('FAKENVML_RECOVERY_ACTION=drain_reset', 'FAKENVML_NVLINKS=18', 'FAKENVML_NVLINK_DOWN=0'); Verdict = 'Unhealthy'
        Action = 'ResetGpu'; Quiet = $false; Reason = '^GPU 0: Recovery action: Drain and reset' }
        @{ Setting = @('FAKENVML_RECOVERY_ACTION=unknown', 'FAKENVML_NVLINKS=18'); Verdict = 'Healthy'; Action = 'None'
        Quiet = $true; Reason = $null }
    ) {
        # Processes on a GPU were Degraded with action Drain while -Quiet said $true, and the reason named another check.
        Use-FakeGpu -Setting ($Clean + $Setting)
        $r = Test-GpuHealth -XidWatchSeconds 0 -ErrorAction SilentlyContinue
        "$($r.Verdict)" | Should -Be $Verdict
        "$($r.Action)" | Should -Be $Action
        if ($Reason) { $r.Reason | Should -Match $Reason } else { $r.Reason | Should -BeNullOrEmpty }
        Test-GpuHealth -Quiet -XidWatchSeconds 0 | Should -Be $Quiet
    }
}

Describe 'Test-GpuHealth with the fake driver and NVML' -Skip:$NoFakes {
    AfterEach { Clear-FakeGpu }

    It 'says Healthy for a clean host, with every check and a one-row view that fits 80 columns' {
        Use-FakeGpu -Setting $Clean
        $r = Test-GpuHealth -ExpectedGpuCount 2 -MinimumDriverVersion 570 -XidWatchSeconds 0.2
        $r | Should -BeOfType ([DlGpuTools.GpuHealthReport])
        "$($r.Verdict)" | Should -Be 'Healthy'
        $r.Gpus.Count | Should -Be 2
        @($r.Checks | Where-Object Status -EQ 'Failed').Count | Should -Be 0
        $text = $r | Out-String -Width 80
        $text | Should -Match 'Verdict\s+Action\s+GPUs\s+Reason'
        $text | Should -Match 'Healthy\s+None\s+2\s+all checks passed'
        $checks = $r.Checks | Out-String -Width 80
        $checks | Should -Match 'GPU\s+Check\s+Status\s+Detail'
        foreach ($t in $text, $checks, ($r | Format-List | Out-String -Width 80), ($r.Gpus | Out-String -Width 80)) {
            ($t -split "`n" | Where-Object { $_.TrimEnd().Length -gt 80 }) | Should -BeNullOrEmpty
        }
        Test-GpuHealth -Quiet -XidWatchSeconds 0 | Should -BeTrue
    }

    It 'fails the host on a pending row remap, names it in one line, and writes GpuHealthCheckFailed' {
        Use-FakeGpu -Setting ($Clean + 'FAKENVML_REMAP_PENDING=1')
        $r = Test-GpuHealth -XidWatchSeconds 0 -ErrorVariable err -ErrorAction SilentlyContinue
        "$($r.Verdict)" | Should -Be 'Unhealthy'
        "$($r.Action)" | Should -Be 'ResetGpu'
        $r.Reason | Should -Match '^GPU 0: Memory repair: .*pending'
        $err.Count | Should -Be 1
        $err[0].FullyQualifiedErrorId | Should -Be "GpuHealthCheckFailed,$HealthFqid"
        $err[0].ErrorDetails.RecommendedAction | Should -Match 'ResetGpu'
        ($r.Checks | Out-String -Width 80) | Should -Match 'FIX \(ResetGpu\)'
        Test-GpuHealth -Quiet -XidWatchSeconds 0 | Should -BeFalse
    }

    It 'catches an Xid event that arrives while it watches' {
        Use-FakeGpu -Setting ($Clean + 'FAKENVML_XID=79')
        $r = Test-GpuHealth -XidWatchSeconds 0.3 -ErrorAction SilentlyContinue
        $xid = $r.Checks | Where-Object { $_.Gpu -eq 0 -and $_.Id -eq 'xid_events' }
        "$($xid.Status)" | Should -Be 'Failed'
        $xid.Detail | Should -Match 'Xid 79 .*fell off the bus'
        "$($r.Action)" | Should -Be 'RebootNode'
    }

    It 'reports a hung GPU as a failed check after -TimeoutSeconds instead of hanging' {
        Use-FakeGpu -Setting ($Clean + 'FAKENVML_FAIL=nvmlDeviceGetTemperatureThreshold@0=-1')
        $sw = [Diagnostics.Stopwatch]::StartNew()
        $r = Test-GpuHealth -TimeoutSeconds 0.5 -XidWatchSeconds 0 -ErrorAction SilentlyContinue
        $sw.Elapsed.TotalSeconds | Should -BeLessThan 10
        $r.Reason | Should -Match '^GPU 0: NVML answers: NVML did not answer within 0.5 s'
        "$($r.Action)" | Should -Be 'RebootNode'
    }

    It 'checks only the GPUs asked for, and the host count against the expectation' {
        Use-FakeGpu -Setting $Clean
        $r = Test-GpuHealth -Index 1 -ExpectedGpuCount 4 -XidWatchSeconds 0 -ErrorAction SilentlyContinue
        $r.Gpus.Index | Should -Be @(1)
        $r.Reason | Should -Match '^GPU count: 2 GPU\(s\) where 4 were expected'
    }

    It 'round-trips through serialization and JSON with its views' {
        Use-FakeGpu -Setting ($Clean + 'FAKENVML_PCIE_REPLAYS_STEP=5')
        $r = Test-GpuHealth -XidWatchSeconds 0
        $copy = [System.Management.Automation.PSSerializer]::Deserialize([System.Management.Automation.PSSerializer]::Serialize($r, 3))
        $copy.PSObject.TypeNames[0] | Should -Be 'Deserialized.DlGpuTools.GpuHealthReport'
        "$($copy.Verdict)" | Should -Be 'Degraded'
        ($copy | Out-String -Width 80) | Should -Match 'Degraded\s+Watch\s+2\s+GPU 0: PCIe replays'
        $json = $r | ConvertTo-Json -Depth 4 | ConvertFrom-Json
        $json.Verdict | Should -Be 'Degraded'
        @($json.Checks).Count | Should -Be @($r.Checks).Count
    }
}

Describe 'Test-GpuHealth: checks by id from one registry (issue 23)' -Skip:$NoFakes {
    AfterEach { Clear-FakeGpu }

    It 'runs only the checks -Check names, with the runs they need, and leaves out those -Skip names' {
        Use-FakeGpu -Setting $Clean
        $r = Test-GpuHealth -Check ecc_errors, xid_events -XidWatchSeconds 0
        $r.Gpus[0].Checks.Id | Should -Be @('ecc_errors', 'xid_events')
        @($r.Checks | Where-Object { $null -eq $_.Gpu }) | Should -BeNullOrEmpty
        "$($r.Level)" | Should -Be 'Quick'
        $s = Test-GpuHealth -Skip processes, pcie_link -XidWatchSeconds 0
        $s.Gpus[0].Checks.Id | Should -Not -Contain 'processes'
        $s.Gpus[0].Checks.Id | Should -Not -Contain 'pcie_link'
        $s.Gpus[0].Checks.Id | Should -Contain 'ecc_errors'
        # Two processes on GPU 0 warn; skipping that check is how a shared node leaves it out of the verdict.
        Use-FakeGpu -Setting 'FAKENVML_ECC_HISTORY=0', 'FAKENVML_GPU0_PROCESSES=2'
        "$((Test-GpuHealth -XidWatchSeconds 0).Verdict)" | Should -Be 'Degraded'
        "$((Test-GpuHealth -Skip processes -XidWatchSeconds 0).Verdict)" | Should -Be 'Healthy'
    }

    It 'refuses an id no check has before doing anything, and lists the ids there are' {
        $err = { Test-GpuHealth -Skip no_such_check -ErrorAction Stop } |
            Should -Throw -ErrorId 'ParameterArgumentValidationError,DlGpuTools.Commands.TestGpuHealthCommand' -PassThru
        $err.Exception.Message | Should -Match "no health check 'no_such_check'.*ecc_errors"
    }

    It 'completes -Check and -Skip from the registry, with each check''s description' {
        $line = 'Test-GpuHealth -Skip pcie_'
        $found = (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches
        $expected = @([DlGpuTools.Health.HealthChecks]::Registry.Ids | Where-Object { $_ -like 'pcie_*' })
        $expected.Count | Should -BeGreaterThan 1
        $found.CompletionText | Should -Be $expected
        $found[0].ToolTip | Should -Be ([DlGpuTools.Health.HealthChecks]::Registry.DescriptionOf($expected[0]))
        $line = 'Test-GpuHealth -Check gemm_'
        (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText | Should -Contain 'gemm_stress'
    }

    It 'lists every registered id in its help, in run order, with its level' {
        $doc = Get-Content (Join-Path $RepoRoot 'docs/Test-GpuHealth.md')
        $rows = @($doc | Where-Object { $_ -match '^\| ([a-z0-9_]+) \| (Quick|Standard|Long) \| (host|GPU|run) \|' } |
            ForEach-Object { ($_ -split '\|')[1].Trim() })
        $rows | Should -Be @([DlGpuTools.Health.HealthChecks]::Registry.Ids)
    }
}

Describe 'Test-GpuHealth: NVLink and the recovery action (issue 25)' -Skip:$NoFakes {
    AfterEach { Clear-FakeGpu }

    It 'warns on NVLink CRC errors that grow while it runs, and fails on replays, each in a view within 80 columns' {
        Use-FakeGpu -Setting ($Clean + 'FAKENVML_NVLINKS=18', 'FAKENVML_NVLINK_CRC_PER_S=50')
        $r = Test-GpuHealth -XidWatchSeconds 1
        $e = $r.Checks | Where-Object { $_.Gpu -eq 0 -and $_.Id -eq 'nvlink_errors' }
        "$($e.Status)" | Should -Be 'Warning'
        $e.Detail |
            Should -Match ('^Link\(s\) 0 took 0 replay, 0 recovery, \d+ CRC, 0 ECC over the [\d.]+ s check: ' +
                '[\d.]+ CRC/ECC errors a second, below DCGM''s 100')
        "$($r.Verdict)" | Should -Be 'Degraded'
        "$($r.Action)" | Should -Be 'Watch'
        Test-GpuHealth -Quiet -XidWatchSeconds 0 | Should -BeTrue
        foreach ($t in ($r | Out-String -Width 80), ($r.Checks | Out-String -Width 80), ($r.Checks | Format-List | Out-String -Width 80)) {
            ($t -split "`n" | Where-Object { $_.TrimEnd().Length -gt 80 }) | Should -BeNullOrEmpty
        }

        Use-FakeGpu -Setting ($Clean + 'FAKENVML_NVLINKS=18', 'FAKENVML_NVLINK_REPLAY_PER_S=50')
        $r = Test-GpuHealth -XidWatchSeconds 1 -ErrorAction SilentlyContinue
        "$($r.Verdict)" | Should -Be 'Unhealthy'
        "$($r.Action)" | Should -Be 'Drain'
        $r.Reason | Should -Match '^GPU 0: NVLink errors: Link\(s\) 0 took \d+ replay, .*replay and recovery errors fail at any count'
        ($r.Checks | Out-String -Width 80) | Should -Match 'FIX \(Drain\)'
    }

    It 'skips both NVLink checks on PCIe cards and the recovery action on a driver without it' {
        Use-FakeGpu -Setting ($Clean + 'FAKENVML_RECOVERY_ACTION=unsupported')
        $r = Test-GpuHealth -XidWatchSeconds 0
        "$($r.Verdict)" | Should -Be 'Healthy'
        foreach ($id in 'nvlink_state', 'nvlink_errors', 'recovery_action') {
            @($r.Checks | Where-Object Id -EQ $id).Count | Should -Be 2 -Because "$id has a row per GPU"
            @($r.Checks | Where-Object { $_.Id -eq $id -and "$($_.Status)" -ne 'Skipped' }) | Should -BeNullOrEmpty -Because $id
        }
        ($r.Checks | Where-Object { $_.Gpu -eq 0 -and $_.Id -eq 'nvlink_state' }).Detail | Should -Match '^No NVLink on this GPU'
        ($r.Checks | Where-Object { $_.Gpu -eq 0 -and $_.Id -eq 'recovery_action' }).Detail |
            Should -Match '^Not reported by this driver \(NVML_ERROR_NOT_SUPPORTED\)'
    }
}

Describe 'Test-GpuHealth -Level Standard and Long with the fake driver, cuBLASLt and NVML' -Skip:$NoFakes {
    BeforeAll {
        # Batches the fake times at 0.00005 ms (671 TFLOPS for 64 results of 64^3), GPU 0 under a name the card
        # table knows, and copies small enough to be real host memory the fake can verify.
        $script:Load = $Clean + 'FAKECUDA_EVENT_MS=0.00005', 'FAKECUDA_NAME0=NVIDIA H100 80GB HBM3', 'FAKECUDA_REAL_LIMIT_MB=512'
    }
    AfterEach { Clear-FakeGpu }

    It 'stresses every GPU, adds the load checks and figures, and shows them within 80 columns' {
        Use-FakeGpu -Setting $Load
        $r = Test-GpuHealth Standard -Duration 1 -MatrixSize 64 -XidWatchSeconds 0
        "$($r.Level)" | Should -Be 'Standard'
        "$($r.Verdict)" | Should -Be 'Healthy'
        $g0 = $r.Gpus | Where-Object Index -EQ 0
        $g0.Checks.Id | Should -Contain 'gemm_results'
        $g0.Checks.Id | Should -Contain 'clocks_and_power'
        $g0.Checks.Id | Should -Contain 'host_to_device'
        $g0.StressDataType | Should -Be 'BF16'
        $g0.StressTflops | Should -BeGreaterThan 600
        $g0.StressPercentOfPeak | Should -BeGreaterThan 60
        $load = $r.Gpus | Format-Table -View Load | Out-String -Width 80
        $load | Should -Match 'GPU\s+Verdict\s+Type\s+TFLOPS\s+%Peak\s+SM MHz\s+Power W\s+Max C'
        $load | Should -Match '0\s+Healthy\s+BF16\s+671\.1\s+68'
        foreach ($t in $load, ($r.Checks | Out-String -Width 80), ($r | Format-List | Out-String -Width 80)) {
            ($t -split "`n" | Where-Object { $_.TrimEnd().Length -gt 80 }) | Should -BeNullOrEmpty
        }
    }

    It 'fails a GPU whose GEMM returns one wrong element, with GpuHealthCheckFailed and $false from -Quiet' {
        Use-FakeGpu -Setting ($Load + 'FAKECUBLAS_WRONG_CALL=5')
        $short = @{ Level = 'Standard'; Duration = 1; MatrixSize = 64; Index = 0; XidWatchSeconds = 0 }
        $r = Test-GpuHealth @short -ErrorVariable err -ErrorAction SilentlyContinue
        $r.Reason | Should -Match '^GPU 0: GEMM results: .*1 of [\d,]+ results differed from the first result'
        "$($r.Action)" | Should -Be 'Drain'
        $err[0].FullyQualifiedErrorId | Should -Be "GpuHealthCheckFailed,$HealthFqid"
        Test-GpuHealth -Level Standard -Duration 1 -MatrixSize 64 -Index 0 -XidWatchSeconds 0 -Quiet | Should -BeFalse
    }

    It 'fails a GPU whose memory copy returns wrong data, with Drain and $false from -Quiet' {
        # Wrong data after a device copy was a Warning (Watch), while one wrong GEMM word fails "GEMM results".
        Use-FakeGpu -Setting ($Load + 'FAKECUDA_KERNEL_SKIP_LAST=1')
        $short = @{ Level = 'Standard'; Duration = 1; MatrixSize = 64; Index = 0; XidWatchSeconds = 0 }
        $r = Test-GpuHealth @short -ErrorVariable err -ErrorAction SilentlyContinue
        $copy = $r.Checks | Where-Object Id -EQ 'memory_bandwidth'
        "$($copy.Status)" | Should -Be 'Failed'
        "$($r.Verdict)" | Should -Be 'Unhealthy'
        "$($r.Action)" | Should -Be 'Drain'
        $r.Reason | Should -Match '^GPU 0: Memory bandwidth: .*data after the copies is wrong'
        $err[0].FullyQualifiedErrorId | Should -Be "GpuHealthCheckFailed,$HealthFqid"
        Test-GpuHealth -Level Standard -Duration 1 -MatrixSize 64 -Index 0 -XidWatchSeconds 0 -Quiet | Should -BeFalse
    }

    It 'tests the memory at Long and names the bad word and bit' {
        Use-FakeGpu -Setting ($Load + 'FAKECUDA_MEMORY_MB=1024', 'FAKECUDA_BAD_WORD=3')
        $r = Test-GpuHealth -Level Long -Duration 1 -MatrixSize 64 -Index 0 -XidWatchSeconds 0 -ErrorAction SilentlyContinue
        $m = $r.Checks | Where-Object Id -EQ 'memory_test'
        "$($m.Status)" | Should -Be 'Failed'
        $m.Detail | Should -Match 'the first at byte 12 .* bits that differed 0x00000010'
        "$($r.Action)" | Should -Be 'ResetGpu'
        ($r.Gpus | Format-Table -View Load | Out-String -Width 80) | Should -Match '0\.\d\s+NVIDIA H100'
    }

    It 'rejects a stress shorter than a second or a matrix smaller than 64 before doing anything' {
        { Test-GpuHealth -Level Standard -Duration 0.5 } |
            Should -Throw -ErrorId 'ParameterArgumentValidationError,DlGpuTools.Commands.TestGpuHealthCommand'
        { Test-GpuHealth -Level Standard -MatrixSize 32 } |
            Should -Throw -ErrorId 'ParameterArgumentValidationError,DlGpuTools.Commands.TestGpuHealthCommand'
        { Test-GpuHealth -Level Extreme } | Should -Throw -ErrorId 'CannotConvertArgumentNoMessage,DlGpuTools.Commands.TestGpuHealthCommand'
    }
}

Describe 'Test-GpuHealth -Level Standard on a real GPU' -Tag 'Gpu' -Skip:(-not $HasGpu) {
    It 'stresses every GPU at once, compares every result, and reaches a plausible share of the card peak' {
        $gpus = @(& nvidia-smi -L | Where-Object { $_ -match '^GPU \d+:' }).Count
        $r = Test-GpuHealth -Level Standard -Duration 15 -ErrorAction SilentlyContinue
        $r.Gpus.Count | Should -Be $gpus
        foreach ($g in $r.Gpus) {
            $results = $g.Checks | Where-Object Id -EQ 'gemm_results'
            "$($results.Status)" | Should -Be 'Passed' -Because $results.Detail
            $results.Detail | Should -Match 'matched the first bit for bit'
            $g.StressTflops | Should -BeGreaterThan 0
            if ($null -ne $g.StressPercentOfPeak) {
                $g.StressPercentOfPeak | Should -BeGreaterThan 30 -Because 'cuBLASLt reaches 60-80% of the dense peak on a healthy card'
            }
            $g.SmClockMHz | Should -BeGreaterThan 0
            $g.PowerW | Should -BeGreaterThan 0
            "$(($g.Checks | Where-Object Id -EQ 'memory_bandwidth').Status)" | Should -Be 'Passed'
            # Identical GPUs running the same algorithm on the same inputs give the same bits.
            $peers = $g.Checks | Where-Object Id -EQ 'peer_results'
            if (@($r.Gpus | Where-Object Name -EQ $g.Name).Count -gt 1) { "$($peers.Status)" | Should -Be 'Passed' -Because $peers.Detail }
        }
    }

    It 'writes and verifies most of the free memory at Long' {
        $r = Test-GpuHealth -Level Long -Duration 5 -Index 0 -ErrorAction SilentlyContinue
        $m = $r.Checks | Where-Object Id -EQ 'memory_test'
        "$($m.Status)" | Should -Be 'Passed' -Because $m.Detail
        $r.Gpus[0].MemoryTestedGiB | Should -BeGreaterThan 1
    }
}

Describe 'Test-GpuHealth on a real GPU' -Tag 'Gpu' -Skip:(-not $HasGpu) {
    It 'reads every GPU nvidia-smi lists, and its verdict agrees with nvidia-smi''s counters' {
        $gpus = @(& nvidia-smi -L | Where-Object { $_ -match '^GPU \d+:' }).Count
        $r = Test-GpuHealth -ExpectedGpuCount $gpus -ErrorAction SilentlyContinue
        $r.GpuCount | Should -Be $gpus
        $r.Gpus.Count | Should -Be $gpus
        $smi = & nvidia-smi --query-gpu=index,ecc.errors.uncorrected.volatile.total,pcie.link.width.current,pcie.link.width.max,
            persistence_mode --format=csv,noheader
        foreach ($line in $smi) {
            $f = $line -split ',\s*'
            $g = $r.Gpus | Where-Object Index -EQ ([int]$f[0])
            $ecc = $g.Checks | Where-Object Id -EQ 'ecc_errors'
            if ($f[1] -match '^\d+$' -and [int]$f[1] -gt 0) { "$($ecc.Status)" | Should -Be 'Failed' } elseif ($f[1] -match '^\d+$') {
                "$($ecc.Status)" | Should -BeIn 'Passed', 'Warning'
            }
            $link = $g.Checks | Where-Object Id -EQ 'pcie_link'
            "$($link.Status)" | Should -Be $(if ([int]$f[2] -lt [int]$f[3]) { 'Failed' } else { 'Passed' })
            $persist = $g.Checks | Where-Object Id -EQ 'persistence_mode'
            "$($persist.Status)" | Should -Be $(if ($f[4] -eq 'Enabled') { 'Passed' } else { 'Warning' })
        }
    }
}

Describe 'Test-GpuHealth NVLink and recovery checks on a real GPU' -Tag 'Gpu' -Skip:(-not $HasGpu) {
    It 'agrees with nvidia-smi nvlink -s on the links that are down, and with gpu_recovery_action' {
        $r = Test-GpuHealth -XidWatchSeconds 0 -ErrorAction SilentlyContinue
        $smi = (& nvidia-smi nvlink -s 2>&1) -join "`n"
        foreach ($g in $r.Gpus) {
            $state = $g.Checks | Where-Object Id -EQ 'nvlink_state'
            # nvidia-smi lists each GPU's links under its "GPU n:" line, an inactive one as "<inactive>".
            $block = ([regex]::Match($smi, "(?ms)^GPU $($g.Index):.*?(?=^GPU \d+:|\z)")).Value
            $inactive = ([regex]::Matches($block, 'Link \d+: <inactive>')).Count
            $active = ([regex]::Matches($block, 'Link \d+: [\d.]+ GB/s')).Count
            if ($inactive -gt 0) { "$($state.Status)" | Should -BeIn 'Failed', 'Skipped' -Because $state.Detail }
            elseif ($active -gt 0) { "$($state.Status)" | Should -Be 'Passed' -Because $state.Detail }
            else { "$($state.Status)" | Should -Be 'Skipped' -Because $state.Detail }
            "$(($g.Checks | Where-Object Id -EQ 'nvlink_errors').Status)" | Should -BeIn 'Passed', 'Warning', 'Failed', 'Skipped'
        }
        $actions = @(& nvidia-smi --query-gpu=index,gpu_recovery_action --format=csv,noheader 2>&1)
        foreach ($line in $actions) {
            $f = "$line" -split ',\s*'
            if ($f.Count -lt 2 -or $f[0] -notmatch '^\d+$') { continue } # a driver without the field says so in prose
            $check = ($r.Gpus | Where-Object Index -EQ ([int]$f[0])).Checks | Where-Object Id -EQ 'recovery_action'
            "$($check.Status)" |
                Should -Be $(if ($f[1] -match '^None$') { 'Passed' } else {
                    'Failed'
                }) -Because "nvidia-smi says $($f[1]); $($check.Detail)"
        }
    }
}

Describe 'The scheduler health check script (bin/dlgpu-healthcheck.ps1 in the module)' -Skip:$NoFakes {
    BeforeAll {
        $script:Script = Join-Path (Split-Path $ModuleManifest) 'bin/dlgpu-healthcheck.ps1'
        # A child pwsh, as a scheduler runs it, with the module found by name and the fake driver.
        function Invoke-HealthCheck([string[]] $Arguments) {
            $env:PSModulePath = (Split-Path (Split-Path $ModuleManifest)) + [IO.Path]::PathSeparator + $env:PSModulePath
            $out = & (Get-Process -Id $PID).Path $(if ((Split-Path (Get-Process -Id $PID).Path -Leaf) -like 'dotnet*') {
                Join-Path $PSHOME 'pwsh.dll'
            }) -NoProfile -File $Script @Arguments
            [pscustomobject]@{ Output = @($out); ExitCode = $LASTEXITCODE }
        }
    }
    AfterEach { Clear-FakeGpu }

    It 'exits 0 with one HEALTHY line on a clean host' {
        Use-FakeGpu -Setting $Clean
        $r = Invoke-HealthCheck '-ExpectedGpuCount', '2', '-XidWatchSeconds', '0'
        $r.ExitCode | Should -Be 0
        $r.Output | Should -Be 'HEALTHY: 2 GPU(s), all checks passed'
    }

    It 'exits 1 with the action and the reason on one line on an unhealthy host' {
        Use-FakeGpu -Setting ($Clean + 'FAKENVML_REMAP_FAILED=1')
        $r = Invoke-HealthCheck '-XidWatchSeconds', '0'
        $r.ExitCode | Should -Be 1
        $r.Output.Count | Should -Be 1
        $r.Output[0] | Should -Match '^UNHEALTHY \(ReplaceGpu\): GPU 0: Memory repair: .*FAILED'
    }

    It 'passes -Level and -Duration through to a stress' {
        Use-FakeGpu -Setting ($Clean + 'FAKECUDA_EVENT_MS=0.00005', 'FAKECUDA_REAL_LIMIT_MB=512', 'FAKECUBLAS_WRONG_CALL=5')
        $r = Invoke-HealthCheck '-Level', 'Standard', '-Duration', '1', '-MatrixSize', '64', '-XidWatchSeconds', '0'
        $r.ExitCode | Should -Be 1
        $r.Output[0] | Should -Match '^UNHEALTHY \(Drain\): GPU 0: GEMM results: '
    }

    It 'exits 1 with the reason when the check cannot run, and prints JSON with -Json' {
        $env:DLGPUTOOLS_NVML_PATH = '/nonexistent/libnvidia-ml.so.1'
        $env:DLGPUTOOLS_CUDA_DRIVER_PATH = '/nonexistent/libcuda.so.1'
        $r = Invoke-HealthCheck '-XidWatchSeconds', '0'
        $r.ExitCode | Should -Be 1
        $r.Output[0] | Should -Match '^UNHEALTHY \(Drain\): the GPU health check could not run: '
        Use-FakeGpu -Setting $Clean
        $j = Invoke-HealthCheck '-XidWatchSeconds', '0', '-Json'
        $j.ExitCode | Should -Be 0
        ($j.Output -join "`n" | ConvertFrom-Json).Verdict | Should -Be 'Healthy'
    }
}
