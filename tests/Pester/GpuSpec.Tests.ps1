# Every test in this file runs under strict mode: a misspelt variable or property fails instead of reading $null.
BeforeAll { Set-StrictMode -Version 3.0 }

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    Import-Module $ModuleManifest -Force
    $script:SpecFqid = 'DlGpuTools.Commands.GetGpuSpecCommand'
    $script:Header = @(
        'name', 'aliases', 'vendor', 'architecture', 'compute_capability', 'memory_gb', 'memory_type', 'bandwidth_gbs', 'fp32_tflops',
        'fp16_tensor_tflops_dense', 'bf16_tensor_tflops_dense', 'tf32_tensor_tflops_dense', 'fp64_tflops', 'fp64_tensor_tflops',
        'fp8_tensor_tflops_dense', 'tdp_w', 'launch_year', 'launch_msrp_usd', 'segment', 'source', 'notes'
    ) -join ','
}

Describe 'Get-GpuSpec' {
    It 'lists the whole table, every card with a source' {
        $all = @(Get-GpuSpec)
        $all.Count | Should -BeGreaterOrEqual 69
        $all | Where-Object { -not $_.Source } | Should -BeNullOrEmpty
        $all[0] | Should -BeOfType ([DlGpuTools.GpuSpec])
    }

    It 'finds cards by table name, driver name, loose spelling and wildcard' {
        (Get-GpuSpec 'GeForce RTX 4090').Fp16TensorTflops | Should -Be 165.2
        (Get-GpuSpec 'NVIDIA H100 80GB HBM3').Name | Should -Be 'NVIDIA H100 SXM5 80GB'
        (Get-GpuSpec 'rtx 3090').Name | Should -Be 'GeForce RTX 3090'
        @(Get-GpuSpec '*A100*').Count | Should -Be 4
        (Get-GpuSpec 'h100 pcie 80gb').Name | Should -Be 'NVIDIA H100 PCIe'
        (Get-GpuSpec 'H100 80GB PCIe').Name | Should -Be 'NVIDIA H100 PCIe'
        (Get-GpuSpec 'rtx4090').Name | Should -Be 'GeForce RTX 4090'
        (Get-GpuSpec '1080ti').Name | Should -Be 'GeForce GTX 1080 Ti'
        @(Get-GpuSpec 'RTX*').Name | Should -Contain 'GeForce RTX 4090'
        @(Get-GpuSpec 'H100*').Count | Should -Be 3
    }

    It 'returns every card a name fits' {
        @(Get-GpuSpec H100).Name | Sort-Object | Should -Be @('NVIDIA H100 NVL', 'NVIDIA H100 PCIe', 'NVIDIA H100 SXM5 80GB')
        @(Get-GpuSpec a100).Count | Should -Be 4
        @(Get-GpuSpec V100).Count | Should -Be 4
        @(Get-GpuSpec titan).Name | Should -Contain 'NVIDIA Titan V'
    }

    It 'takes devices from the pipeline by their Name, as Get-CudaDevice writes them' {
        $devices = [pscustomobject]@{ Index = 0; Name = 'NVIDIA H200' }, [pscustomobject]@{ Index = 1; Name = 'NVIDIA GeForce RTX 4090' }
        ($devices | Get-GpuSpec).Name | Should -Be @('NVIDIA H200 SXM 141GB', 'GeForce RTX 4090')
        ('Tesla T4' | Get-GpuSpec).Name | Should -Be 'NVIDIA T4'
        ([pscustomobject]@{ Name = 'NVIDIA GeForce RTX 4060 Ti'; TotalMemory = [uint64]8585740288 } | Get-GpuSpec).Name |
            Should -Be 'GeForce RTX 4060 Ti 8GB'
    }

    It 'writes GpuCardNotFound with the closest names and how to add a card' {
        Get-GpuSpec 'RTX 4900' -ErrorVariable err -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $err[0].FullyQualifiedErrorId | Should -Be "GpuCardNotFound,$SpecFqid"
        $err[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
        $err[0].Exception.Message | Should -Match 'Closest: .*GeForce RTX 4090'
        $err[0].ErrorDetails.RecommendedAction | Should -Match 'Export-Csv.*-CardTable'
        Get-GpuSpec 'Z9*' -ErrorVariable err2 -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $err2[0].FullyQualifiedErrorId | Should -Be "GpuCardNotFound,$SpecFqid"
    }

    It 'round-trips its own export as a -CardTable template' {
        $file = Join-Path $TestDrive 'template.csv'
        Get-GpuSpec 'RTX 4090' | Select-Object * | ForEach-Object { $_.Name = 'My Lab 4090'; $_ } | Export-Csv $file
        $card = Get-GpuSpec 'My Lab 4090' -CardTable $file
        $card.Fp16TensorTflops | Should -Be 165.2
        $card.MemoryBandwidthGBps | Should -Be 1008
        $card.Origin | Should -Be (Resolve-Path $file).Path
    }

    It 'lays a user table over the built-in one' {
        $file = Join-Path $TestDrive 'cards.csv'
        Set-Content $file $Header,
            'Lab Card X,NVIDIA Lab X,NVIDIA,Hopper,9.0,96,HBM3,4000,60,900,900,450,30,,1800,700,2025,,datacenter,vendor sheet,'
        (Get-GpuSpec 'NVIDIA Lab X' -CardTable $file).Origin | Should -Be (Resolve-Path $file).Path
        { Get-GpuSpec 'NVIDIA Lab X' -ErrorAction Stop } | Should -Throw -ErrorId "GpuCardNotFound,$SpecFqid"
    }

    It 'stops with CardTableInvalid listing the problems of a bad table' {
        $file = Join-Path $TestDrive 'bad.csv'
        Set-Content $file $Header, 'Bad,,NVIDIA,Pascal,6.1,8,GDDR5,256,8,60,,,,,,150,2016,399,consumer,,'
        { Get-GpuSpec -CardTable $file } | Should -Throw -ErrorId "CardTableInvalid,$SpecFqid"
        { Get-GpuSpec -CardTable (Join-Path $TestDrive 'missing.csv') } | Should -Throw -ErrorId "CardTableInvalid,$SpecFqid"
        try { Get-GpuSpec -CardTable $file } catch { $_.Exception.Message | Should -Match 'line 2 \(Bad\): no source' }
    }

    It 'completes -Name from the card table' {
        $line = "Get-GpuSpec -Name 'GeForce RTX 409"
        $completions = (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches
        $completions.CompletionText | Should -Contain "'GeForce RTX 4090'"
        $line = 'Get-GpuSpec -Name H1'
        (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText |
            Should -Contain "'NVIDIA H100 PCIe'"
    }

    It 'takes vendor and brand words, a memory size and wildcards the way Tab offers them (issue 27 item 14)' {
        (Get-GpuSpec Radeon).Name | Should -Be 'AMD Radeon RX 7900 XTX'
        $geforce = @(Get-GpuSpec GeForce -ErrorAction Stop).Name
        $geforce.Count | Should -BeGreaterThan 30
        $geforce | Where-Object { $_ -notlike 'GeForce *' } | Should -BeNullOrEmpty
        @(Get-GpuSpec 'A100 80' -ErrorAction Stop).Name | Sort-Object | Should -Be @('NVIDIA A100 80GB PCIe', 'NVIDIA A100 80GB SXM4')
        (Get-GpuSpec '4090*' -ErrorAction Stop).Name | Should -Be 'GeForce RTX 4090'
        (Get-GpuSpec -Name '7900*' -ErrorAction Stop).Name | Should -Be 'AMD Radeon RX 7900 XTX'
        Get-GpuSpec 'A100 90' -ErrorVariable err -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $err[0].Exception.Message | Should -Match 'Closest: NVIDIA A100'
        $err[0].Exception.Message | Should -Not -Match 'GTX 1080'
    }

    It 'offers on Tab every card the same word looks up: <Word>' -ForEach @(
        @{ Word = 'Radeon' }, @{ Word = 'GeForce' }, @{ Word = 'A100 80' }, @{ Word = '4090*' }, @{ Word = 'rtx 3090' },
            @{ Word = 'Ti' }, @{ Word = 'H100' }
    ) {
        $found = @(@(Get-GpuSpec -Name $Word -ErrorAction Stop).Name)
        $found.Count | Should -BeGreaterThan 0
        $line = "Get-GpuSpec -Name '$Word"
        $offered = @((TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.ListItemText)
        foreach ($name in $found) { $offered | Should -Contain $name }
    }

    It 'says a folder given as -CardTable is a folder, with a remedy about the path (issue 27 item 15)' {
        $e = { Get-GpuSpec -CardTable $TestDrive } | Should -Throw -ErrorId "CardTableInvalid,$SpecFqid" -PassThru
        $e.Exception.Message | Should -Match 'is a folder, not a regular file'
        $e.CategoryInfo.Category | Should -Be 'InvalidArgument'
        $e.ErrorDetails.RecommendedAction | Should -Not -Match 'rows named above'
        $e.ErrorDetails.RecommendedAction | Should -Match 'CSV file'
        $missing = { Get-GpuSpec -CardTable (Join-Path $TestDrive 'missing.csv') } |
            Should -Throw -ErrorId "CardTableInvalid,$SpecFqid" -PassThru
        $missing.CategoryInfo.Category | Should -Be 'ObjectNotFound'
    }

    It 'names every fault of a table written with Export-Csv, and never changes a value' {
        $file = Join-Path $TestDrive 'export.csv'
        $row = Get-GpuSpec 'RTX 4090' | Select-Object *
        $row.Name = 'Lab 4090'; $row.TdpW = '450.5'; $row.MemoryGB = 'lots'; $row.Segment = 'gaming'
        $row.Source = '=HYPERLINK("http://example.org","docs")'
        $row | Export-Csv $file
        $e = { Get-GpuSpec -CardTable $file } | Should -Throw -ErrorId "CardTableInvalid,$SpecFqid" -PassThru
        $e.Exception.Message | Should -Match 'line 2 \(Lab 4090\): TdpW 450.5 is not a whole number'
        $e.Exception.Message | Should -Match "MemoryGB 'lots'"
        $e.Exception.Message | Should -Match "Segment 'gaming'"
        $e.Exception.Message | Should -Match 'Source .*formula'
        $e.CategoryInfo.Category | Should -Be 'InvalidData'
    }

    It 'reports a huge compute capability as a table fault, not an OverflowException' {
        $file = Join-Path $TestDrive 'cc.csv'
        Set-Content $file $Header, 'Huge CC,,NVIDIA,Ampere,99999999999.6,24,GDDR6,936,35.6,71,71,35.5,,,,350,2020,1499,consumer,x,'
        $e = { Get-GpuSpec -CardTable $file } | Should -Throw -ErrorId "CardTableInvalid,$SpecFqid" -PassThru
        $e.Exception.Message | Should -Match "compute_capability '99999999999.6' is not major.minor"
    }

    It 'writes nothing a spreadsheet would run as a formula into Export-Csv' {
        $csv = Get-GpuSpec | ConvertTo-Csv
        $csv | Where-Object { $_ -match '(^|,)"[=+\-@]' } | Should -BeNullOrEmpty
    }

    It 'shows its table and list views, also after serialization' {
        $spec = Get-GpuSpec 'RTX 4090'
        ($spec | Out-String -Width 120) | Should -Match 'Name\s+CC\s+Memory\s+GB/s\s+FP32\s+FP16T\s+Year\s+Launch\$'
        ($spec | Format-List | Out-String -Width 200) | Should -Match 'FP16 tensor\s*:\s*165.2 TFLOPS \(dense, FP32 accumulate\)'
        $copy = [System.Management.Automation.PSSerializer]::Deserialize([System.Management.Automation.PSSerializer]::Serialize($spec))
        $copy.PSObject.TypeNames[0] | Should -Be 'Deserialized.DlGpuTools.GpuSpec'
        ($copy | Out-String -Width 120) | Should -Match 'FP16T'
        ($spec | ConvertTo-Json | ConvertFrom-Json).LaunchPriceUsd | Should -Be 1599
    }
}
