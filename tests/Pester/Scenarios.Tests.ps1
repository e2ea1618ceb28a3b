# Scenarios that must hold on any GPU, fake or real: the same tests run against the fakes (backend Fake, in CI) and
# against this machine's GPU (backend Gpu), chosen by $env:DLGPUTOOLS_TEST_BACKEND (tests/Invoke-Tests.ps1 -Backend).
# They assert forms, bounds and errors, never figures only one backend gives (a fake name, a real card's speed):
# those stay in the fake tests of each command and in Gpu.Tests.ps1.

# Every test in this file runs under strict mode: a misspelt variable or property fails instead of reading $null.
BeforeAll { Set-StrictMode -Version 3.0 }

BeforeDiscovery {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    $script:Backend = Get-TestBackend
    $script:SkipReason = Get-TestBackendSkipReason
    if ($SkipReason) { Write-Host "Scenario tests are skipped: $SkipReason." }
    # Each command that reads this host's GPUs, with arguments that keep it short on either backend.
    $script:DeviceCommands = @(
        @{ Name = 'Get-CudaDevice'; Arguments = @{} }
        @{ Name = 'Measure-GpuMatMul'; Arguments = @{ DataType = 'FP32'; Size = 32; Iterations = 2; Warmup = 0; AlgorithmCandidates = 2 } }
        @{ Name = 'Measure-GpuBandwidth'; Arguments = @{ Test = 'device_write_sm'; Size = 1MB + 48; Iterations = 2; Warmup = 0 } }
        @{ Name = 'Test-GpuHealth'; Arguments = @{ XidWatchSeconds = 0 } }
        @{ Name = 'Get-GpuTopology'; Arguments = @{} }
        @{ Name = 'Get-GpuSample'; Arguments = @{ SampleInterval = 0.05 } }
        @{ Name = 'Get-GpuProcess'; Arguments = @{} }
        @{ Name = 'Watch-Gpu'; Arguments = @{ Count = 1; Interval = 0.1; Plain = $true } }
    )
}

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    Import-Module $ModuleManifest -Force
    $script:Statuses = 'Passed', 'Skipped', 'Warning', 'Failed'
}

AfterAll { Clear-FakeGpu }

Describe "Get-CudaDevice on any GPU (backend $Backend)" -Tag 'Scenario' -Skip:([bool]$SkipReason) {
    BeforeAll {
        Use-TestBackend
        $script:Devices = @(Get-CudaDevice -ErrorAction Stop)
    }

    It 'lists at least one device, indexed from 0, each with the forms scripts parse' {
        $Devices.Count | Should -BeGreaterThan 0
        $Devices.Index | Should -Be @(0..($Devices.Count - 1))
        foreach ($d in $Devices) {
            $d | Should -BeOfType ([DlGpuTools.CudaDevice])
            $d.Name | Should -Not -BeNullOrEmpty
            $d.Uuid | Should -Match '^GPU-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$'
            # The PCI id as nvidia-smi writes it: an 8-digit domain, bus, device and function, in upper-case hex.
            $d.PciBusId | Should -Match '^[0-9A-F]{8}:[0-9A-F]{2}:[0-9A-F]{2}\.[0-7]$'
            $d.ComputeCapability | Should -Match '^\d+\.\d+$'
            $d.ComputeCapability | Should -Be "$($d.ComputeCapabilityMajor).$($d.ComputeCapabilityMinor)"
            $d.TotalMemory | Should -BeGreaterThan 0
            $d.TotalMemory | Should -BeLessOrEqual $d.NvmlTotalMemory
        }
        @($Devices.Uuid | Sort-Object -Unique).Count | Should -Be $Devices.Count
    }

    It 'fills the NVML facts' {
        foreach ($d in $Devices) {
            $d.NvmlAvailable | Should -BeTrue
            $d.TemperatureC | Should -BeGreaterThan 0
            $d.PowerLimitW | Should -BeGreaterThan 0
            $d.FreeMemory | Should -BeGreaterThan 0
            $d.FreeMemory | Should -BeLessOrEqual $d.TotalMemory
            $d.MemoryBandwidthGBps | Should -BeGreaterThan 100
            $d.MaxSmClockMHz | Should -BeGreaterThan 500
            $d.CudaDriverVersion | Should -Match '^\d+\.\d$'
        }
    }

    It 'selects a device by UUID as by index' {
        $last = $Devices[-1]
        (Get-CudaDevice -Uuid $last.Uuid).Index | Should -Be $last.Index
        (Get-CudaDevice -Uuid $last.Uuid.ToUpperInvariant()).Index | Should -Be $last.Index
    }

    It 'shows its names in JSON and comes back through it' {
        $json = $Devices[0] | ConvertTo-Json -Depth 3
        $json | Should -Match ('"Name":\s*"' + [regex]::Escape($Devices[0].Name) + '"')
        ($json | ConvertFrom-Json | Get-CudaDevice).Uuid | Should -Be $Devices[0].Uuid
    }
}

Describe "Measure-GpuMatMul on any GPU (backend $Backend)" -Tag 'Scenario' -Skip:([bool]$SkipReason) {
    BeforeAll { Use-TestBackend }

    It 'measures FP32 and BF16 on GPU 0, verified, with a positive figure and its accumulation stated' {
        # A result at all means it passed verification: a wrong product is a MatMulVerificationFailed error, terminating here.
        $quick = @{ Size = 256; Iterations = 2; Warmup = 0; AlgorithmCandidates = 2 }
        $r = @(Get-CudaDevice -Index 0 | Measure-GpuMatMul -DataType FP32, BF16 @quick -ErrorAction Stop)
        $r.DataType | Should -Be @('FP32', 'BF16')
        $r.Accumulation | Should -Be @('FP32', 'FP32')
        foreach ($x in $r) {
            $x.DeviceIndex | Should -Be 0
            $x.Tflops | Should -BeGreaterThan 0
            $x.RelativeError | Should -BeLessOrEqual $x.Tolerance
            $x.Method | Should -Match "accumulation $([regex]::Escape($x.Accumulation));"
        }
    }
}

Describe "Measure-GpuBandwidth on any GPU (backend $Backend)" -Tag 'Scenario' -Skip:([bool]$SkipReason) {
    BeforeAll { Use-TestBackend }

    It 'measures device_local_copy and host_to_device_memcpy_ce on GPU 0, verified, saying what it counted' {
        $quick = @{ Size = 1MB + 48; Iterations = 2; Warmup = 0 }
        $r = @(Measure-GpuBandwidth -Index 0 -Test device_local_copy, host_to_device_memcpy_ce @quick -ErrorAction Stop)
        $r.Test | Should -Be @('device_local_copy', 'host_to_device_memcpy_ce')
        foreach ($x in $r) {
            $x.Verified | Should -BeTrue
            $x.GBps | Should -BeGreaterThan 0
            $x.BytesCounted | Should -Not -BeNullOrEmpty
        }
        ($r | Where-Object Test -EQ 'device_local_copy').BytesCounted | Should -Match 'copied once'
    }
}

Describe "Test-CuDnnInstall on any GPU (backend $Backend)" -Tag 'Scenario' -Skip:([bool]$SkipReason) {
    BeforeAll { Use-TestBackend }

    It 'checks the driver, the GPUs and cuDNN by id, each with a status, and closes with a verdict row' {
        # What is installed differs between machines (a GPU box may lack cuDNN): the ids and the form must not.
        $checks = @(Test-CuDnnInstall -ErrorAction SilentlyContinue)
        $checks.Id | Should -Contain 'driver'
        $checks.Id | Should -Contain 'gpus'
        $checks.Id | Should -Contain 'cudnn'
        $checks[-1].Id | Should -Be 'verdict'
        @($checks.Id | Where-Object { $_ -eq 'verdict' }).Count | Should -Be 1
        foreach ($c in $checks) { "$($c.Status)" | Should -BeIn $Statuses -Because "$($c.Id) has a status" }
        "$(($checks | Where-Object Id -EQ 'driver').Status)" | Should -Be 'Passed' -Because 'there is a driver on this backend'
        # The verdict is the worst status of the checks above it.
        $seen = @($checks | Select-Object -SkipLast 1 | ForEach-Object { "$($_.Status)" })
        $worst = $Statuses | Where-Object { $_ -in $seen } | Select-Object -Last 1
        "$($checks[-1].Status)" | Should -Be $(if ($worst -eq 'Skipped' -or -not $worst) { 'Passed' } else { $worst })
        $quiet = Test-CuDnnInstall -Quiet -ErrorAction SilentlyContinue -WarningAction SilentlyContinue
        $quiet | Should -BeOfType ([bool])
        $quiet | Should -Be ("$($checks[-1].Status)" -ne 'Failed')
    }
}

Describe "Test-GpuHealth on any GPU (backend $Backend)" -Tag 'Scenario' -Skip:([bool]$SkipReason) {
    # A real card may warn (ECC errors over the board's life, processes of other users): no verdict is asserted.
    BeforeAll { Use-TestBackend }

    It 'runs only the checks -Check names, on every GPU, each with a status, and names them in JSON' {
        $count = @(Get-CudaDevice).Count
        $r = Test-GpuHealth -Check ecc_errors, pcie_link -XidWatchSeconds 0 -ErrorAction SilentlyContinue
        $r.Gpus.Count | Should -Be $count
        foreach ($g in $r.Gpus) {
            $g.Checks.Id | Should -Be @('ecc_errors', 'pcie_link')
            foreach ($c in $g.Checks) { "$($c.Status)" | Should -BeIn $Statuses }
        }
        @($r.Checks | Where-Object { $null -eq $_.Gpu }) | Should -BeNullOrEmpty
        "$($r.Level)" | Should -Be 'Quick'
        $json = $r | ConvertTo-Json -Depth 4
        $json | Should -Match '"Verdict":\s*"(Healthy|Degraded|Unhealthy)"'
        $json | Should -Match '"Level":\s*"Quick"'
        $json | Should -Not -Match '"Status":\s*\d'
    }
}

Describe "Get-GpuTopology on any GPU (backend $Backend)" -Tag 'Scenario' -Skip:([bool]$SkipReason) {
    BeforeAll { Use-TestBackend }

    It 'writes one row per GPU, with a link to every other GPU' {
        $count = @(Get-CudaDevice).Count
        $t = @(Get-GpuTopology -ErrorAction Stop)
        $t.Count | Should -Be $count
        $t.Index | Should -Be @(0..($count - 1))
        foreach ($gpu in $t) { @($gpu.Links | Where-Object { $null -ne $_ }).Count | Should -Be ($count - 1) }
    }
}

Describe "A GPU index this host does not have (backend $Backend)" -Tag 'Scenario' -Skip:([bool]$SkipReason) {
    BeforeAll { Use-TestBackend -FakeSetting 'FAKENVML_ECC_HISTORY=0', 'FAKENVML_GPU0_PROCESSES=0' }

    It '<Name> -Index 99 writes DeviceIndexNotFound (ObjectNotFound)' -ForEach $DeviceCommands {
        $quiet = @{ ErrorAction = 'SilentlyContinue'; WarningAction = 'SilentlyContinue'; InformationAction = 'SilentlyContinue' }
        $null = & $Name @Arguments -Index 99 -ErrorVariable err @quiet
        $fqid = "DeviceIndexNotFound,$((Get-Command $Name).ImplementingType.FullName)"
        @($err.FullyQualifiedErrorId) | Should -Contain $fqid
        @($err | Where-Object FullyQualifiedErrorId -EQ $fqid)[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
    }
}
