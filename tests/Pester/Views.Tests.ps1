# Every default view at 80 and 120 columns, rendered from real command output over the fakes: no line is
# wider than the console, and no number, unit, price or date is cut short with an ellipsis.

# Every test in this file runs under strict mode: a misspelt variable or property fails instead of reading $null.
BeforeAll { Set-StrictMode -Version 3.0 }

BeforeDiscovery {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    $script:NoFakes = -not (Test-FakesAvailable)
    # Each case: a name and a script block that produces the objects as a user would.
    $script:Cases = @(
        @{ Name = 'Get-CudaDevice'; Produce = { Get-CudaDevice } }
        @{ Name = 'Get-CudaDevice | Format-List'; Produce = { Get-CudaDevice -Index 0 }; List = $true }
        @{ Name = 'Test-CuDnnInstall'; Produce = { Test-CuDnnInstall -ErrorAction SilentlyContinue } }
        @{ Name = 'Measure-GpuMatMul'
        Produce = { Measure-GpuMatMul -Index 0 -DataType FP32, BF16 -Size 64 -Iterations 2 -Warmup 0 -AlgorithmCandidates 1 } }
        @{ Name = 'Get-GpuSpec'; Produce = { Get-GpuSpec 'RTX 4090', 'NVIDIA H100 80GB HBM3', 'Tesla T4' } }
        @{ Name = 'Get-GpuRecommendation'; Produce = { Get-GpuRecommendation -Budget 1500 -Workload NLP } }
        @{ Name = 'Get-GpuRecommendation -IncludeCloud'
        Produce = { Get-GpuRecommendation -ModelParameters 7e9 -Training -Precision BF16 -IncludeCloud -TrainingHours 100 } }
        @{ Name = 'Get-GpuReport'; Produce = { Get-GpuReport } }
        @{ Name = 'Get-GpuTopology -Placement'; Produce = { Get-GpuTopology -Placement } }
        @{ Name = 'Measure-GpuCollective'
        Produce = {
            Measure-GpuCollective -Operation AllReduce, AllToAll -MaxBytes 64MB -MinBytes 16MB -Iterations 1 -Warmup 0 -Batches 1
        } }
        @{ Name = 'Measure-CpuMatMul'
        Produce = {
            Measure-CpuMatMul -DataType FP32, FP64,
                BF16 -Size 48 -Iterations 2 -Library (Join-Path $FakesPath 'blas/scipy64/libscipy_openblas64_-fake.so')
        } }
        @{ Name = 'Measure-GpuSpeedup'
        Produce = {
            Measure-GpuSpeedup -DataType FP32, TF32,
                BF16 -Size 48 -NoMlpShape -Iterations 2 -Library (
                    Join-Path $FakesPath 'blas/openblas/libopenblas.so.0') -InformationAction SilentlyContinue
        } }
    )
}

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    Import-Module $ModuleManifest -Force

    function Test-View([object[]] $Objects, [int] $Width, [switch] $List) {
        $text = if ($List) { $Objects | Format-List | Out-String -Width $Width } else { $Objects | Out-String -Width $Width }
        $lines = $text -split "`r?`n"
        $wide = @($lines | Where-Object { $_.Length -gt $Width })
        $wide | Should -BeNullOrEmpty -Because "no line may pass $Width columns:`n$text"
        # A cut cell ends in an ellipsis; after a digit, a currency sign, a unit or a date it hides a figure.
        $cut = @($lines | Where-Object { $_ -match '[\d$%/:.]…|\b(GiB|GB|TFLOPS|W|ms)…' })
        $cut | Should -BeNullOrEmpty -Because "no number, unit, price or date may be cut:`n$text"
    }
}

AfterAll {
    Clear-FakeGpu
}

Describe 'Default views fit the console' -Skip:$NoFakes {
    BeforeEach { Use-FakeGpu }
    AfterEach { Clear-FakeGpu }

    It '<Name> fits 80 and 120 columns with every figure whole' -ForEach $Cases {
        $objects = @(& $Produce)
        $objects.Count | Should -BeGreaterThan 0
        # A case names List only when it wants the list view ($_ is the case's hashtable).
        $asList = $_.ContainsKey('List') -and $_.List
        Test-View $objects 80 -List:$asList
        Test-View $objects 120 -List:$asList
    }
}
