# Measure-CpuMatMul and Measure-GpuSpeedup over the fake BLAS variants (tests/fakes/fakeblas.c) and the fake GPU.

# Every test in this file runs under strict mode: a misspelt variable or property fails instead of reading $null.
BeforeAll { Set-StrictMode -Version 3.0 }

BeforeDiscovery {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    $script:NoFakes = -not (Test-FakesAvailable)
}

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    Import-Module $ModuleManifest -Force
    $script:CpuFqid = 'DlGpuTools.Commands.MeasureCpuMatMulCommand'
    $script:SpeedupFqid = 'DlGpuTools.Commands.MeasureGpuSpeedupCommand'
    $script:FakeBlas = Join-Path $FakesPath 'blas'
    $script:Quick = @{ Iterations = 2; Size = 32 }
}

AfterAll { Clear-FakeGpu; Remove-Item Env:DLGPUTOOLS_BLAS_PATH -ErrorAction SilentlyContinue }

Describe 'Measure-CpuMatMul' -Skip:$NoFakes {
    AfterEach { Remove-Item Env:DLGPUTOOLS_BLAS_PATH -ErrorAction SilentlyContinue }

    It 'measures FP32, FP64 and BF16 through the BLAS in the override folder, verified, with its version and threads' {
        $env:DLGPUTOOLS_BLAS_PATH = Join-Path $FakeBlas 'openblas'
        $r = @(Measure-CpuMatMul -DataType FP32, FP64, BF16 @Quick -ThreadCount 3)
        $r.Count | Should -Be 3
        $r[0] | Should -BeOfType ([DlGpuTools.CpuMatMulResult])
        $r.DataType | Should -Be @('FP32', 'FP64', 'BF16')
        $r | ForEach-Object { $_.RelativeError | Should -BeLessOrEqual $_.Tolerance }
        $r[0].Library | Should -Be 'OpenBLAS 0.3.99'
        $r[0].LibraryConfig | Should -Match 'FAKE'
        $r[0].Threads | Should -Be 3
        $r[0].ThreadControl | Should -Be 'openblas_set_num_threads(3)'
        $r[2].Accumulation | Should -Be 'FP32 (BF16 inputs)'
    }

    It 'has Measure-GpuMatMul''s figures under the same names, and they survive JSON' {
        $env:DLGPUTOOLS_BLAS_PATH = Join-Path $FakeBlas 'openblas'
        $r = Measure-CpuMatMul @Quick
        $gpuNames = [DlGpuTools.MatMulResult].GetProperties().Name
        foreach ($name in 'DeviceName', 'DataType', 'M', 'N', 'K', 'MedianMs', 'FastestBatchMs', 'SlowestBatchMs', 'Tflops', 'PeakTflops',
            'PercentOfPeak', 'Accumulation', 'RelativeError', 'Tolerance', 'Batches', 'CallsPerBatch', 'Method', 'Library', 'LibraryPath') {
            $gpuNames | Should -Contain $name
            $r.PSObject.Properties.Name | Should -Contain $name
        }
        $back = $r | ConvertTo-Json -Depth 3 | ConvertFrom-Json
        $back.Device | Should -Be 'CPU'
        $back.Tflops | Should -Be $r.Tflops
        $back.IsManagedFallback | Should -BeFalse
    }

    It 'runs the managed kernel, labelled and with a warning, when the override points nowhere' {
        $env:DLGPUTOOLS_BLAS_PATH = '/nonexistent/blas'
        $r = Measure-CpuMatMul @Quick -WarningVariable warn -WarningAction SilentlyContinue
        $r.IsManagedFallback | Should -BeTrue
        $r.Library | Should -Be 'managed kernel (no BLAS)'
        $r.RelativeError | Should -BeLessOrEqual $r.Tolerance
        "$warn" | Should -Match 'No BLAS library was found'
        "$warn" | Should -Match 'DLGPUTOOLS_BLAS_PATH'
    }

    It 'names a wrong DLGPUTOOLS_BLAS_PATH and the loader''s reason instead of saying "set DLGPUTOOLS_BLAS_PATH"' {
        $text = Join-Path $TestDrive 'notes.txt'
        Set-Content -Path $text -Value 'not a library'
        foreach ($value in $text, '/nonexistent/libopenblas.so.0') {
            $env:DLGPUTOOLS_BLAS_PATH = $value
            $r = Measure-CpuMatMul @Quick -WarningVariable warn -WarningAction SilentlyContinue
            $r.IsManagedFallback | Should -BeTrue
            "$warn" | Should -Match ('DLGPUTOOLS_BLAS_PATH names ' + [regex]::Escape($value) + ': ')
            "$warn" | Should -Match 'point it at a BLAS library file'
            "$warn" | Should -Not -Match 'or set \$env:DLGPUTOOLS_BLAS_PATH'
        }
        "$warn" | Should -Match 'no such file'
    }

    It 'says when -ThreadCount was not what ran, and when it is more than the CPUs' {
        $env:DLGPUTOOLS_BLAS_PATH = Join-Path $FakeBlas 'openblas'
        $r = Measure-CpuMatMul @Quick -ThreadCount 1000 -WarningVariable warn -WarningAction SilentlyContinue
        $r.Threads | Should -Be 64
        "$warn" | Should -Match '-ThreadCount 1000 was asked for, but 64 thread\(s\) ran'
        "$warn" | Should -Match "may use $([Environment]::ProcessorCount) logical CPU"
    }

    It 'writes CpuBlasNotFound, with what it searched, when -Library names a family that is not there' {
        $env:DLGPUTOOLS_BLAS_PATH = Join-Path $FakeBlas 'reference'
        { Measure-CpuMatMul @Quick -Library Mkl -ErrorAction Stop } | Should -Throw -ErrorId "CpuBlasNotFound,$CpuFqid"
        try { Measure-CpuMatMul @Quick -Library Mkl -ErrorAction Stop } catch { $e = $_ }
        $e.CategoryInfo.Category | Should -Be 'ObjectNotFound'
        $e.ErrorDetails.Message | Should -Match 'libblas\.so\.3'
        $e.ErrorDetails.RecommendedAction | Should -Match 'Tab completes'
    }

    It 'refuses GPU-only types before measuring, and BF16 where the BLAS has no BF16 GEMM, with the CPU remedy' {
        { Measure-CpuMatMul -DataType TF32 @Quick -ErrorAction Stop } | Should -Throw -ErrorId "MatMulTypeNotSupported,$CpuFqid"
        $env:DLGPUTOOLS_BLAS_PATH = Join-Path $FakeBlas 'nosbgemm'
        $r = @(Measure-CpuMatMul -DataType BF16, FP32 @Quick -ErrorVariable err -ErrorAction SilentlyContinue)
        $r.DataType | Should -Be @('FP32')
        $err[0].FullyQualifiedErrorId | Should -Be "MatMulTypeNotSupported,$CpuFqid"
        $err[0].ErrorDetails.RecommendedAction | Should -Match 'AMX'
    }

    It 'reports a wrong product as MatMulVerificationFailed, not a figure' {
        $env:DLGPUTOOLS_BLAS_PATH = Join-Path $FakeBlas 'wrong'
        Measure-CpuMatMul @Quick -ErrorVariable err -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $err[0].FullyQualifiedErrorId | Should -Be "MatMulVerificationFailed,$CpuFqid"
    }

    It 'completes -Library with the family names' {
        $line = 'Measure-CpuMatMul -Library Open'
        $names = (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText
        $names | Should -Contain 'OpenBlas'
    }
}

Describe 'Measure-GpuSpeedup' -Skip:$NoFakes {
    AfterEach { Clear-FakeGpu; Remove-Item Env:DLGPUTOOLS_BLAS_PATH -ErrorAction SilentlyContinue }

    It 'without a driver: CPU figures in every row, empty GPU figures, and the driver error once' {
        $env:DLGPUTOOLS_CUDA_DRIVER_PATH = '/nonexistent/libcuda.so.1'
        $env:DLGPUTOOLS_BLAS_PATH = Join-Path $FakeBlas 'openblas'
        $r = @(Measure-GpuSpeedup -DataType FP32,
            BF16 -Size 32 -NoMlpShape -Iterations 2 -ErrorVariable err -ErrorAction SilentlyContinue -InformationVariable info)
        # BF16 meets the CPU's BF16 and its FP32 (this BLAS has a BF16 GEMM): three rows, the FP32 figure measured once.
        $r.Count | Should -Be 3
        $r | ForEach-Object {
            $_.CpuTflops | Should -BeGreaterThan 0; $_.GpuTflops | Should -BeNullOrEmpty; $_.Speedup | Should -BeNullOrEmpty
        }
        $r.CpuDataType | Should -Be @('FP32', 'BF16', 'FP32')
        $r[2].Pairing | Should -Be "GPU BF16 tensor cores vs the CPU's FP32"
        [object]::ReferenceEquals($r[0].Cpu, $r[2].Cpu) | Should -BeTrue
        @($err).Count | Should -Be 1
        $err[0].FullyQualifiedErrorId | Should -Be "CudaDriverNotFound,$SpeedupFqid"
        "$($info.MessageData)" | Should -Match 'No GPU figure'
    }

    It 'with the fake GPU: pairs each GPU type with a CPU figure, and states the speed-up' {
        Use-FakeGpu
        $env:DLGPUTOOLS_BLAS_PATH = Join-Path $FakeBlas 'nosbgemm'
        $r = @(Measure-GpuSpeedup -DataType FP32, TF32, BF16 -Size 48 -NoMlpShape -Iterations 2 -InformationVariable info)
        $r.GpuDataType | Should -Be @('FP32', 'TF32', 'BF16')
        $r.CpuDataType | Should -Be @('FP32', 'FP32', 'FP32') # no CPU BF16 GEMM in this BLAS
        $r[2].Pairing | Should -Match 'no CPU BF16 GEMM'
        $r | ForEach-Object { $_.Speedup | Should -Be ([math]::Round($_.GpuTflops / $_.CpuTflops, 1)) }
        $r[0].Cpu | Should -BeOfType ([DlGpuTools.CpuMatMulResult])
        $r[0].Gpu | Should -BeOfType ([DlGpuTools.MatMulResult])
        "$($info.MessageData)" | Should -Match 'for strict FP32 (\d+|\d\.\d|0\.\d\d?)x'
        # Two significant figures: the fakes' ratios are below 1, which whole numbers showed as "0x".
        "$($info.MessageData)" | Should -Not -Match '\b0x'
    }

    It 'measures the GPU piped to it or named by -Uuid, not GPU 0' {
        # Issue 27: Get-CudaDevice -Index 1 | Measure-GpuSpeedup wrote a binding error and measured GPU 0.
        Use-FakeGpu
        $env:DLGPUTOOLS_BLAS_PATH = Join-Path $FakeBlas 'openblas'
        $one = @{ DataType = 'FP32'; Size = 32; NoMlpShape = $true; Iterations = 2 }
        $r = @(Get-CudaDevice -Index 1 | Measure-GpuSpeedup @one -ErrorVariable err)
        @($err).Count | Should -Be 0
        $r.GpuIndex | Should -Be @(1)
        $r[0].GpuTflops | Should -BeGreaterThan 0
        @(Get-CudaDevice -Index 1 | ConvertTo-Json -Depth 3 | ConvertFrom-Json | Measure-GpuSpeedup @one).GpuIndex | Should -Be @(1)
        @(Measure-GpuSpeedup @one -Uuid (Get-CudaDevice -Index 1).Uuid).GpuIndex | Should -Be @(1)
        @(Measure-GpuSpeedup @one).GpuIndex | Should -Be @(0) # GPU 0 when none is named
    }

    It 'measures each GPU piped to it against one CPU figure, with a summary line per GPU' {
        Use-FakeGpu
        $env:DLGPUTOOLS_BLAS_PATH = Join-Path $FakeBlas 'openblas'
        $r = @(Get-CudaDevice | Measure-GpuSpeedup -DataType FP32 -Size 32 -NoMlpShape -Iterations 2 -InformationVariable info)
        $r.GpuIndex | Should -Be @(0, 1)
        [object]::ReferenceEquals($r[0].Cpu, $r[1].Cpu) | Should -BeTrue
        @($info).Count | Should -Be 2
    }

    It 'writes DeviceIndexNotFound for a GPU the host does not have, and keeps the CPU figures' {
        Use-FakeGpu
        $env:DLGPUTOOLS_BLAS_PATH = Join-Path $FakeBlas 'openblas'
        $tiny = @{ Index = 7; DataType = 'FP32'; Size = 32; NoMlpShape = $true; Iterations = 2 }
        $r = @(Measure-GpuSpeedup @tiny -ErrorVariable err -ErrorAction SilentlyContinue)
        $err[0].FullyQualifiedErrorId | Should -Be "DeviceIndexNotFound,$SpeedupFqid"
        $r.Count | Should -Be 1
        $r[0].CpuTflops | Should -BeGreaterThan 0
        $r[0].GpuTflops | Should -BeNullOrEmpty
    }

    It 'refuses FP8, which has no CPU counterpart' {
        { Measure-GpuSpeedup -DataType FP8 -ErrorAction Stop } | Should -Throw -ErrorId "MatMulTypeNotSupported,$SpeedupFqid"
    }
}
