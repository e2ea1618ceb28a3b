# Every test in this file runs under strict mode: a misspelt variable or property fails instead of reading $null.
BeforeAll { Set-StrictMode -Version 3.0 }

BeforeDiscovery {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    $script:NoFakes = -not (Test-FakesAvailable)
}

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    Import-Module $ModuleManifest -Force
    $script:MmFqid = 'DlGpuTools.Commands.MeasureGpuMatMulCommand'
    $script:Quick = @{ Iterations = 2; Warmup = 0; AlgorithmCandidates = 2 }
}

AfterAll { Clear-FakeGpu }

Describe 'Measure-GpuMatMul without a driver' {
    AfterEach { Clear-FakeGpu }

    It 'writes CudaDriverNotFound and no result' {
        $env:DLGPUTOOLS_CUDA_DRIVER_PATH = '/nonexistent/libcuda.so.1'
        Measure-GpuMatMul -ErrorVariable err -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $err[0].FullyQualifiedErrorId | Should -Be "CudaDriverNotFound,$MmFqid"
    }
}

Describe 'Measure-GpuMatMul with the fake driver and cuBLASLt' -Skip:$NoFakes {
    BeforeEach { Use-FakeGpu }
    AfterEach { Clear-FakeGpu }

    It 'measures and verifies every type, one object each' {
        $r = @(Measure-GpuMatMul -Index 0 -DataType FP64, FP32, TF32, FP16, BF16, FP8 -Size 48 @Quick)
        $r.Count | Should -Be 6
        $r[0] | Should -BeOfType ([DlGpuTools.MatMulResult])
        ($r | ForEach-Object DataType) | Should -Be @('FP64', 'FP32', 'TF32', 'FP16', 'BF16', 'FP8')
        ($r | ForEach-Object Accumulation) | Should -Be @('FP64', 'FP32', 'FP32 (TF32 inputs)', 'FP32', 'FP32', 'FP32')
        $r | ForEach-Object {
            $_.Tflops | Should -BeGreaterThan 0; $_.Method |
                Should -Match "^Sustained: median of 2 back-to-back batches .* accumulation $([regex]::Escape($_.Accumulation));"
        }
    }

    It 'takes devices from Get-CudaDevice, from JSON, and measures shapes and sweeps' {
        (Get-CudaDevice -Index 1 | Measure-GpuMatMul -DataType FP32 -Size 32 @Quick).DeviceIndex | Should -Be 1
        $json = Get-CudaDevice -Index 0 | ConvertTo-Json -Depth 3
        ($json | ConvertFrom-Json | Measure-GpuMatMul -DataType FP16 -Size 32 @Quick).Uuid | Should -Be (Get-CudaDevice -Index 0).Uuid
        $shape = Measure-GpuMatMul -Index 0 -DataType FP32 -M 40 -N 24 -K 56 @Quick
        "$($shape.M)x$($shape.N)x$($shape.K)" | Should -Be '40x24x56'
        @(Measure-GpuMatMul -Index 0 -DataType FP32 -Sweep -Size 16, 32 @Quick).M | Should -Be @(16, 32)
        @(Measure-GpuMatMul -DataType FP32 -Size 16 @Quick).DeviceIndex | Should -Be @(0, 1) # all devices by default
    }

    It 'refuses a wrong product with MatMulVerificationFailed' {
        Use-FakeGpu -Setting 'FAKECUBLAS_WRONG=1'
        Measure-GpuMatMul -Index 0 -DataType FP32 -Size 32 @Quick -ErrorVariable err -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $err[0].FullyQualifiedErrorId | Should -Be "MatMulVerificationFailed,$MmFqid"
        $err[0].CategoryInfo.Category | Should -Be 'InvalidResult'
    }

    It 'names the memory needed and free for a size that does not fit' {
        Use-FakeGpu -Setting 'FAKECUDA_MEMORY_MB=2048'
        Measure-GpuMatMul -Index 0 -DataType FP32 -Size 30000 @Quick -ErrorVariable err -ErrorAction SilentlyContinue |
            Should -BeNullOrEmpty
        $err[0].FullyQualifiedErrorId | Should -Be "MatMulTooLarge,$MmFqid"
        $err[0].Exception.Message | Should -Match 'needs [\d,]+ MiB .* [\d,]+ MiB are free'
    }

    It 'reports a type the GPU lacks and carries on with the others' {
        $r = @(Measure-GpuMatMul -Index 1 -DataType FP8, FP32 -Size 32 @Quick -ErrorVariable err -ErrorAction SilentlyContinue)
        $r.DataType | Should -Be 'FP32'
        $err[0].FullyQualifiedErrorId | Should -Be "MatMulTypeNotSupported,$MmFqid"
    }

    It 'stops with CuBlasNotFound, listing where it looked, when cuBLASLt is missing' {
        Use-FakeGpu -CuBlasLt '/nonexistent/libcublasLt.so.13'
        { Measure-GpuMatMul -Index 0 -DataType FP32 -Size 32 @Quick } | Should -Throw -ErrorId "CuBlasNotFound,$MmFqid"
    }

    It 'runs FP8 with fast accumulation only when asked, and says so' {
        $r = @(Measure-GpuMatMul -Index 0 -DataType FP8, BF16 -Size 32 -FastAccumulation @Quick)
        $r[0].Accumulation | Should -Be 'FP32 fast (FP8 tensor-core partial sums)'
        $r[1].Accumulation | Should -Be 'FP32' -Because '-FastAccumulation applies to FP8 only'
        (Measure-GpuMatMul -Index 0 -DataType FP8 -Size 32 @Quick).Accumulation | Should -Be 'FP32'
    }

    It 'says which size parameters to use when -Size and -M/-N/-K are mixed, or a shape is incomplete' {
        { Measure-GpuMatMul -Index 0 -Size 64 -M 64 -N 64 -K 64 @Quick } | Should -Throw -ErrorId "MatMulShapeConflict,$MmFqid"
        { Measure-GpuMatMul -Index 0 -Sweep -M 64 -N 64 -K 64 @Quick } | Should -Throw -ErrorId "MatMulShapeConflict,$MmFqid"
        $err = { Measure-GpuMatMul -Index 0 -M 64 -N 64 @Quick } | Should -Throw -ErrorId "MatMulShapeIncomplete,$MmFqid" -PassThru
        $err.ErrorDetails.RecommendedAction | Should -Match '-Size 4096'
        $err.CategoryInfo.Category | Should -Be 'InvalidArgument'
    }

    It 'refuses -FastAccumulation without FP8 with FastAccumulationNeedsFP8' {
        { Measure-GpuMatMul -Index 0 -DataType BF16, FP16 -Size 32 -FastAccumulation @Quick } |
            Should -Throw -ErrorId "FastAccumulationNeedsFP8,$MmFqid"
    }

    It 'validates its parameters' {
        { Measure-GpuMatMul -Size 8 } | Should -Throw -ErrorId "ParameterArgumentValidationError,$MmFqid"
        { Measure-GpuMatMul -DataType INT4 } | Should -Throw -ErrorId "CannotConvertArgumentNoMessage,$MmFqid"
        { Measure-GpuMatMul -M 10 } | Should -Throw
    }

    It 'shows a table view and survives serialization' {
        $r = Measure-GpuMatMul -Index 0 -DataType BF16 -Size 32 @Quick
        # Every column fits in 80 characters; the last one would be cut or dropped if they did not.
        $text = $r | Out-String -Width 80
        $text | Should -Match 'GPU\s+Type\s+M x N x K\s+Median ms\s+Spread\s+TFLOPS\s+% peak\s+Accum\s+Rel\. err'
        $text | Should -Match 'BF16\s+32x32x32\s+[\d.]+\s+[\d.]+%\s+[\d.]+\s+FP32\s+\d\.\dE-\d'
        ($text -split "`n" | Where-Object { $_.TrimEnd().Length -gt 80 }) | Should -BeNullOrEmpty
        $copy = [System.Management.Automation.PSSerializer]::Deserialize([System.Management.Automation.PSSerializer]::Serialize($r))
        $copy.PSObject.TypeNames[0] | Should -Be 'Deserialized.DlGpuTools.MatMulResult'
        ($copy | Out-String -Width 200) | Should -Match '32x32x32'
    }
}
