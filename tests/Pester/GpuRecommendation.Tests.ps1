BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    Import-Module $ModuleManifest -Force
    $script:RecFqid = 'DlGpuTools.Commands.GetGpuRecommendationCommand'
}

Describe 'Get-GpuRecommendation' {
    It 'ranks cards within a budget for computer vision' {
        $r = @(Get-GpuRecommendation -Budget 800 -Workload ComputerVision)
        $r.Count | Should -Be 5
        $r | ForEach-Object { $_.PriceUsd | Should -BeLessOrEqual 800; $_.MemoryGB | Should -BeGreaterOrEqual 8; $_.Kind | Should -Be 'Buy' }
        ($r | ForEach-Object Rank) | Should -Be @(1, 2, 3, 4, 5) # not $r.Rank: that is System.Array.Rank
        $r[0] | Should -BeOfType ([DlGpuTools.GpuRecommendation])
    }

    It 'estimates a model''s memory and shows the formula in the table' {
        $r = @(Get-GpuRecommendation -ModelParameters 7e9 -Training -Precision BF16 -WarningVariable warn -WarningAction SilentlyContinue)
        $r[0].RequiredMemoryGB | Should -Be 134.9
        $r[0].Workload | Should -Be 'LLMFineTune'
        "$($warn[0])" | Should -Match 'No card with a launch price holds 134.9 GB'
        ($r | Out-String -Width 400) | Should -Match 'Memory needed: 7e9 parameters x 16 B.*Ranked by BF16 tensor TFLOPS'
    }

    It 'adds rentals with dated prices and the cost of the hours' {
        $r = @(Get-GpuRecommendation -Workload LLMFineTune -ModelParameters 1.5e9 -Training -TrainingHours 200)
        $rent = @($r | Where-Object Kind -eq 'Rent')
        $rent.Count | Should -BeGreaterThan 0
        $rent | ForEach-Object { $_.PriceDate | Should -Not -BeNullOrEmpty; $_.CostForHoursUsd | Should -BeGreaterOrEqual 0 }
        ($r | Out-String -Width 200) | Should -Match '\$\d+\.\d\d/h'
    }

    It 'rates the GPU from the pipeline and names upgrades' {
        $r = @([pscustomobject]@{ Index = 0; Name = 'NVIDIA GeForce RTX 3060' } | Get-GpuRecommendation -Workload ComputerVision -Budget 1000)
        $r[0].Kind | Should -Be 'Current'
        $r[0].Card | Should -Be 'GeForce RTX 3060 12GB'
        ($r | Select-Object -Skip 1).Kind | Sort-Object -Unique | Should -Be 'Upgrade'
    }

    It 'says when nothing beats the current GPU' {
        $r = @(Get-GpuRecommendation -CurrentGpu 'NVIDIA H200' -Workload LLMFineTune -Budget 3000 -WarningVariable warn -WarningAction SilentlyContinue)
        $r.Count | Should -Be 1
        "$($warn[0])" | Should -Match 'beats your NVIDIA H200 SXM 141GB by 1.5x'
    }

    It 'refuses -Training without -ModelParameters with a clear error' {
        { Get-GpuRecommendation -Training } | Should -Throw -ErrorId "TrainingNeedsModelParameters,$RecFqid"
    }

    It 'reports an impossible model precision as InvalidModel' {
        Get-GpuRecommendation -ModelParameters 7e9 -Training -Precision INT4 -ErrorVariable err -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $err[0].FullyQualifiedErrorId | Should -Be "InvalidModel,$RecFqid"
    }

    It 'validates its numbers and completes workloads and precisions' {
        { Get-GpuRecommendation -Budget -5 } | Should -Throw -ErrorId "ParameterArgumentValidationError,$RecFqid"
        { Get-GpuRecommendation -Workload Gaming } | Should -Throw -ErrorId "CannotConvertArgumentNoMessage,$RecFqid"
        $line = 'Get-GpuRecommendation -Workload LLM'
        (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText | Sort-Object | Should -Be @('LLMFineTune', 'LLMInference')
    }

    It 'shows a list view with warnings and survives serialization' {
        $r = Get-GpuRecommendation -Workload Learning -Budget 300 -Top 1 -IncludeNonCuda
        ($r | Format-List | Out-String -Width 200) | Should -Match 'Warnings\s*:\s*Launch price, not today'
        $copy = [System.Management.Automation.PSSerializer]::Deserialize([System.Management.Automation.PSSerializer]::Serialize($r))
        $copy.PSObject.TypeNames[0] | Should -Be 'Deserialized.DlGpuTools.GpuRecommendation'
        ($copy | Out-String -Width 200) | Should -Match 'Memory needed'
    }
}
