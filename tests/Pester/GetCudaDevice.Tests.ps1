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
}

AfterAll {
    Clear-FakeGpu
}

Describe 'Get-CudaDevice without a usable driver' {
    AfterEach { Clear-FakeGpu }

    It 'writes CudaDriverNotFound with the searched path and a remedy, and no objects' {
        $env:DLGPUTOOLS_CUDA_DRIVER_PATH = '/nonexistent/driver/libcuda.so.1'
        $result = Get-CudaDevice -ErrorVariable err -ErrorAction SilentlyContinue
        $result | Should -BeNullOrEmpty
        $err.Count | Should -Be 1
        $err[0].FullyQualifiedErrorId | Should -Be "CudaDriverNotFound,$CmdletFqid"
        $err[0].CategoryInfo.Category | Should -Be 'NotInstalled'
        $err[0].Exception.Message | Should -Match '/nonexistent/driver/libcuda.so.1'
        $err[0].Exception.Message | Should -Match 'no such file'
        $err[0].ErrorDetails.RecommendedAction | Should -Match 'driver'
    }

    It 'is terminating with -ErrorAction Stop' {
        $env:DLGPUTOOLS_CUDA_DRIVER_PATH = '/nonexistent/driver/libcuda.so.1'
        { Get-CudaDevice -ErrorAction Stop } | Should -Throw -ErrorId "CudaDriverNotFound,$CmdletFqid"
    }

    It 'on this machine with no GPU, lists the standard places it searched' -Skip:$HasGpu {
        $null = Get-CudaDevice -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].FullyQualifiedErrorId | Should -Be "CudaDriverNotFound,$CmdletFqid"
        $err[0].Exception.Message | Should -Match ([regex]::Escape('libcuda.so.1'))
        if ($IsLinux) { $err[0].Exception.Message | Should -Match ([regex]::Escape('/usr/lib/wsl/lib/libcuda.so.1')) }
    }

    It 'rejects a file that is not a library and says why' -Skip:$NoFakes {
        Use-FakeGpu -Driver 'not-a-library.so.1'
        $null = Get-CudaDevice -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].FullyQualifiedErrorId | Should -Be "CudaDriverNotFound,$CmdletFqid"
        $err[0].Exception.Message | Should -Match 'not-a-library.so.1'
    }

    It 'says the driver is too old when it lacks a function' -Skip:$NoFakes {
        Use-FakeGpu -Driver 'libfakecuda-old.so.1'
        $null = Get-CudaDevice -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].FullyQualifiedErrorId | Should -Be "CudaDriverTooOld,$CmdletFqid"
        $err[0].Exception.Message | Should -Match 'cuDeviceTotalMem_v2'
    }

    It 'reports a driver with no device as CudaDeviceNotFound' -Skip:$NoFakes {
        Use-FakeGpu -Setting 'FAKECUDA_DEVICES=0'
        $result = Get-CudaDevice -ErrorVariable err -ErrorAction SilentlyContinue
        $result | Should -BeNullOrEmpty
        $err[0].FullyQualifiedErrorId | Should -Be "CudaDeviceNotFound,$CmdletFqid"
        $err[0].CategoryInfo.Category | Should -Be 'ResourceUnavailable'
    }

    It 'maps cuInit error 999 to CudaDriverInitFailed with the nvidia_uvm remedy' -Skip:$NoFakes {
        Use-FakeGpu -Setting 'FAKECUDA_FAIL=cuInit=999'
        $null = Get-CudaDevice -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].FullyQualifiedErrorId | Should -Be "CudaDriverInitFailed,$CmdletFqid"
        $err[0].Exception.Message | Should -Match 'cuInit failed with CUDA_ERROR_UNKNOWN \(999\): unknown error'
        $err[0].ErrorDetails.RecommendedAction | Should -Match 'nvidia_uvm'
    }
}

Describe 'Get-CudaDevice with the fake driver' -Skip:$NoFakes {
    BeforeEach { Use-FakeGpu -Setting 'FAKECUDA_DEVICES=3', 'FAKENVML_REVERSE=1' }
    AfterEach { Clear-FakeGpu }

    It 'returns one CudaDevice per device with the CUDA facts' {
        $devices = @(Get-CudaDevice)
        $devices.Count | Should -Be 3
        $devices[0] | Should -BeOfType ([DlGpuTools.CudaDevice])
        $devices.Index | Should -Be @(0, 1, 2)
        $devices[0].Name | Should -Be 'NVIDIA Fake H100 80GB HBM3'
        $devices[0].ComputeCapability | Should -Be '9.0'
        $devices[0].Architecture | Should -Be 'Hopper'
        $devices[0].TotalMemory | Should -Be (81559 * 1MB)
        $devices[0].CudaDriverVersion | Should -Be '13.0'
        $devices[0].DriverVersion | Should -Be '580.159.04'
    }

    It 'joins NVML facts by UUID, not by position' {
        foreach ($d in Get-CudaDevice) { $d.TemperatureC | Should -Be (40 + $d.Index) }
    }

    It 'filters by -Index, -Name wildcards and -Uuid' {
        (Get-CudaDevice -Index 1).Name | Should -Be 'NVIDIA GeForce Fake RTX 3090'
        @(Get-CudaDevice -Name '*h100*').Index | Should -Be @(0, 2)
        $uuid = (Get-CudaDevice -Index 2).Uuid
        (Get-CudaDevice -Uuid $uuid.ToUpperInvariant()).Index | Should -Be 2
        (Get-CudaDevice -Uuid $uuid.Substring(4)).Index | Should -Be 2
    }

    It 'writes DeviceIndexNotFound for an index that does not exist and still returns the others' {
        $result = @(Get-CudaDevice -Index 1, 9 -ErrorVariable err -ErrorAction SilentlyContinue)
        $result.Index | Should -Be @(1)
        $err[0].FullyQualifiedErrorId | Should -Be "DeviceIndexNotFound,$CmdletFqid"
        $err[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
    }

    It 'treats a literal name with no match as an error, and a wildcard with none as empty' {
        Get-CudaDevice -Name 'No Such GPU' -ErrorVariable err -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $err[0].FullyQualifiedErrorId | Should -Be "DeviceNameNotFound,$CmdletFqid"
        Get-CudaDevice -Name 'No Such*' -ErrorVariable err2 | Should -BeNullOrEmpty
        $err2.Count | Should -Be 0
    }

    It 'validates -Index' {
        { Get-CudaDevice -Index -1 } | Should -Throw -ErrorId 'ParameterArgumentValidationError,DlGpuTools.Commands.GetCudaDeviceCommand'
    }

    It 'takes Index and Uuid from the pipeline by property name, also from JSON' {
        $json = Get-CudaDevice -Index 2 | ConvertTo-Json -Depth 3
        ($json | ConvertFrom-Json | Get-CudaDevice).Index | Should -Be 2
        ([pscustomobject]@{ DeviceIndex = 1 } | Get-CudaDevice).Index | Should -Be 1
    }

    It 'reports a failing device and carries on with the others' {
        Use-FakeGpu -Setting 'FAKECUDA_DEVICES=3', 'FAKECUDA_FAIL=cuDeviceGetName@1=999'
        $result = @(Get-CudaDevice -ErrorVariable err -ErrorAction SilentlyContinue)
        $result.Index | Should -Be @(0, 2)
        $err.Count | Should -Be 1
        $err[0].FullyQualifiedErrorId | Should -Be "CudaDeviceQueryFailed,$CmdletFqid"
        $err[0].TargetObject | Should -Be 1
        $err[0].Exception.Message | Should -Match 'cuDeviceGetName'
    }

    It 'warns and leaves NVML fields empty when NVML is missing' {
        Use-FakeGpu -Nvml '/nonexistent/libnvidia-ml.so.1'
        $devices = @(Get-CudaDevice -WarningVariable warn -WarningAction SilentlyContinue)
        $devices.Count | Should -Be 2
        $warn.Count | Should -Be 1
        "$($warn[0])" | Should -Match 'NVML could not be loaded'
        $devices[0].NvmlAvailable | Should -BeFalse
        $devices[0].TemperatureC | Should -BeNullOrEmpty
        # Free memory would need a context on every GPU without NVML, and listing never creates one.
        $devices[0].FreeMemory | Should -BeNullOrEmpty
        "$($warn[0])" | Should -Match 'free memory'
    }

    It 'completes -Name without loading any library, before any device was listed' {
        # A fresh process: nothing enumerated yet. The completer must not load libcuda or NVML (on a GPU box
        # that means cuInit, hundreds of ms, on every Tab press); the fakes show whether it did.
        $pwsh = @(Get-PwshCommand)
        $script = "`$env:DLGPUTOOLS_CUDA_DRIVER_PATH = '$env:DLGPUTOOLS_CUDA_DRIVER_PATH'; " +
            "`$env:DLGPUTOOLS_NVML_PATH = '$env:DLGPUTOOLS_NVML_PATH'; " +
            "Import-Module '$ModuleManifest'; `$line = 'Get-CudaDevice -Name NV'; " +
            "`$w = [Diagnostics.Stopwatch]::StartNew(); " +
            "`$c = (TabExpansion2 -inputScript `$line -cursorColumn `$line.Length).CompletionMatches; `$w.Stop(); " +
            "`$w2 = [Diagnostics.Stopwatch]::StartNew(); " +
            "`$c = (TabExpansion2 -inputScript `$line -cursorColumn `$line.Length).CompletionMatches; `$w2.Stop(); " +
            "[pscustomobject]@{ Ms = `$w.Elapsed.TotalMilliseconds; Again = `$w2.Elapsed.TotalMilliseconds; " +
            "Loaded = @(Get-Content /proc/`$PID/maps | Where-Object { `$_ -match 'libfake(cuda|nvml)' }).Count } | ConvertTo-Json"
        $result = & $pwsh[0] (@($pwsh | Select-Object -Skip 1) + @('-NoProfile', '-NonInteractive', '-Command', $script)) |
            Out-String | ConvertFrom-Json
        Write-Host ("    completion in a fresh process: first {0:N1} ms (PowerShell's completion engine warming up), then {1:N1} ms" -f
            $result.Ms, $result.Again)
        $result.Loaded | Should -Be 0
    }

    It 'completes -Name with quoted device names' {
        $null = Get-CudaDevice
        $line = 'Get-CudaDevice -Name NVIDIA'
        $completions = (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches
        $completions.CompletionText | Should -Contain "'NVIDIA Fake H100 80GB HBM3'"
        $completions.CompletionText | Should -Contain "'NVIDIA GeForce Fake RTX 3090'"
    }
}
