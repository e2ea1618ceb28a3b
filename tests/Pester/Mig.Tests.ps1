# MIG as the fakes model it (FAKENVML_MIG): the GPUs the project tests on are not in MIG mode, and their settings
# stay as they are, so listing, selection, CUDA_VISIBLE_DEVICES=MIG-..., sampling labels and the health check's
# words are tested here against a fake H100 whose GPU 0 is split into MIG devices.

# Every test in this file runs under strict mode: a misspelt variable or property fails instead of reading $null.
BeforeAll { Set-StrictMode -Version 3.0 }

BeforeDiscovery {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    $script:NoFakes = -not (Test-FakesAvailable)
}

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    Import-Module $ModuleManifest -Force
    $script:Mig = 'FAKENVML_MIG=3g.40gb,2g.20gb,1c.3g.40gb'
    $script:Mig0 = 'MIG-314e00a0-4050-6070-8090-a0b0c0d0e0f0'
    $script:Mig1 = 'MIG-314e00a1-4050-6070-8090-a0b0c0d0e0f0'

    function Assert-Fits([string] $Text, [int] $Width = 80) {
        $wide = @($Text -split "`r?`n" | Where-Object { $_.Length -gt $Width })
        $wide | Should -BeNullOrEmpty -Because "no line may pass $Width columns:`n$Text"
    }
}

AfterAll {
    Clear-FakeGpu
}

Describe 'MIG devices from the fakes' -Skip:$NoFakes {
    BeforeEach { Use-FakeGpu -Setting $Mig }
    AfterEach { Clear-FakeGpu }

    It 'lists the MIG devices under their GPU, as nvidia-smi -L does, in 80 columns' {
        $devices = @(Get-CudaDevice)
        $table = $devices | Out-String -Width 80
        Assert-Fits $table
        $table | Should -Match 'MIG\s+40°C'  # no utilization under MIG: the column says so
        $migs = @($devices | Select-Object -ExpandProperty MigDevices)
        $migs.Profile | Should -Be @('3g.40gb', '2g.20gb', '1c.3g.40gb')
        $migs.Uuid | Should -Be @($Mig0, $Mig1, 'MIG-314e00a2-4050-6070-8090-a0b0c0d0e0f0')
        $text = $migs | Out-String -Width 80
        Assert-Fits $text
        $text | Should -Match ([regex]::Escape('GPU: NVIDIA Fake H100 80GB HBM3 (GPU-fa4e0030'))
        $text | Should -Match ('0 3g\.40gb\s+1/0\s+60\s+0\.5/39\.5 ' + $Mig0)
        Assert-Fits ($devices | Format-List | Out-String -Width 80)
    }

    It 'CUDA shows the first MIG device in place of the GPU, with the instance''s memory and SMs' {
        $gpu0 = Get-CudaDevice -Index 0
        $gpu0.Uuid | Should -Be $Mig0
        $gpu0.Name | Should -Be 'NVIDIA Fake H100 80GB HBM3 MIG 3g.40gb'
        $gpu0.MigProfile | Should -Be '3g.40gb'
        $gpu0.MultiprocessorCount | Should -Be 60
        [math]::Round($gpu0.TotalMemory / 1MB) | Should -Be 40440
    }

    It 'selects a MIG device by -Uuid and by a piped MigDevice, and says how to reach one CUDA does not show' {
        (Get-CudaDevice -Uuid $Mig0.ToUpperInvariant()).Index | Should -Be 0
        $piped = Get-CudaDevice | Select-Object -ExpandProperty MigDevices | Select-Object -First 1
        ($piped | Get-CudaDevice).Uuid | Should -Be $Mig0
        @($piped | Get-GpuSample).MigUuid | Should -Be $Mig0
        $null = Get-CudaDevice -Uuid $Mig1 -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].FullyQualifiedErrorId | Should -Be 'DeviceUuidNotFound,DlGpuTools.Commands.GetCudaDeviceCommand'
        $err[0].Exception.Message | Should -Match 'at most one MIG device'
        $err[0].ErrorDetails.RecommendedAction | Should -Match ([regex]::Escape("CUDA_VISIBLE_DEVICES=$Mig1"))
    }

    It 'labels MIG series with GPU_I_PROFILE and GPU_I_ID, as dcgm-exporter does' {
        $text = Get-GpuSample | ConvertTo-GpuPrometheus
        $text | Should -Match ('DCGM_FI_DEV_FB_TOTAL\{gpu="0",UUID="GPU-fa4e0030[^"]*",[^}]*modelName="NVIDIA Fake H100 80GB HBM3",' +
            'GPU_I_PROFILE="3g\.40gb",GPU_I_ID="1",[^}]*\} 40440')
        $text | Should -Not -Match 'gpu="1"[^}]*GPU_I_'
        $text | Should -Not -Match 'DCGM_FI_DEV_GPU_UTIL\{gpu="0"'
    }

    It 'shows MIG samples in 80 columns' {
        $text = Get-GpuSample | Out-String -Width 80
        Assert-Fits $text
        $text | Should -Match 'MIG 3g\.40gb'
        Assert-Fits (Get-GpuSample -Index 0 | Format-List | Out-String -Width 80)
    }

    It 'Test-GpuHealth says what it checks on the GPU and what it cannot inside MIG' {
        $check = (Test-GpuHealth -Index 0).Checks | Where-Object Check -EQ 'MIG mode'
        $check.Status | Should -Be 'Passed'
        $check.Detail | Should -Match 'MIG is on with 3 MIG device\(s\)'
        $check.Detail | Should -Match 'no utilization per MIG device'
        $check.Detail | Should -Match 'dcgmi diag'
    }

    It 'honours CUDA_VISIBLE_DEVICES=MIG-... from the process environment' {
        $run = Invoke-BoundedPwsh -WorkingDirectory $FakesPath -Seconds 120 -Environment @{
            DLGPUTOOLS_CUDA_DRIVER_PATH = Join-Path $FakesPath 'libfakecuda.so.1'
            DLGPUTOOLS_NVML_PATH = Join-Path $FakesPath 'libfakenvml.so.1'
            CUDA_VISIBLE_DEVICES = $Mig1
        } -Script '@(Get-CudaDevice) | ForEach-Object { "{0}|{1}|{2}" -f $_.Index, $_.Uuid, $_.MigProfile }'
        $run.TimedOut | Should -BeFalse
        ($run.Output -split "`r?`n" | Where-Object { $_ -match '\|' }) | Should -Be "0|$Mig1|2g.20gb"
    }
}

Describe 'A GPU without MIG' -Skip:$NoFakes {
    BeforeEach { Use-FakeGpu }
    AfterEach { Clear-FakeGpu }

    It 'lists no MIG device and says MIG is off' {
        $gpu0 = Get-CudaDevice -Index 0
        $gpu0.MigEnabled | Should -BeFalse
        @($gpu0.MigDevices).Count | Should -Be 0
        ((Test-GpuHealth -Index 0).Checks | Where-Object Check -EQ 'MIG mode').Detail | Should -Match '^MIG is off'
    }
}
