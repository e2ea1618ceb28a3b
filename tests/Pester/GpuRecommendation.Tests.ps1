# Every test in this file runs under strict mode: a misspelt variable or property fails instead of reading $null.
BeforeAll { Set-StrictMode -Version 3.0 }

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    Import-Module $ModuleManifest -Force
    $script:RecFqid = 'DlGpuTools.Commands.GetGpuRecommendationCommand'
    # The widest line of a rendering; views must fit an 80-column terminal without cutting a price, provider or date.
    function script:Widest([string] $text) { ($text -split "`r?`n" | Measure-Object -Property Length -Maximum).Maximum }
}

Describe 'Get-GpuRecommendation' {
    It 'ranks cards within a budget at dated street or used prices' {
        $r = @(Get-GpuRecommendation -Budget 800 -Workload ComputerVision)
        $r.Count | Should -Be 5
        $r | ForEach-Object {
            $_.PriceUsd | Should -BeLessOrEqual 800; $_.MemoryGB | Should -BeGreaterOrEqual 8; $_.Kind | Should -Be 'Buy'
            $_.PriceKind | Should -BeIn 'new', 'used', 'MSRP'; $_.PriceDate | Should -Match '^\d{4}(-\d\d)?'
        }
        ($r | ForEach-Object Rank) | Should -Be @(1, 2, 3, 4, 5) # not $r.Rank: that is System.Array.Rank
        $r[0] | Should -BeOfType ([DlGpuTools.GpuRecommendation])
        $r[0].Card | Should -Not -Be 'GeForce RTX 4070 Super'
    }

    It 'shows every method''s memory and the ranking formula above the table, within 80 columns' {
        $r = @(Get-GpuRecommendation -ModelParameters 7e9 -Training -Precision BF16)
        $r[0].Workload | Should -Be 'LLMFineTune'
        # With a model the need is the method's estimate, not a 24 GB floor: a smaller card may lead with QLoRA; a 24 GB card holds LoRA.
        # Full fine-tuning of 7B (118 GB) fits one 128 GB unified-memory box (DGX Spark), the one single option that holds it.
        if ($r[0].Method -eq 'Full BF16') { $r[0].Card | Should -Be 'NVIDIA DGX Spark (GB10)' } else {
            $r[0].Method | Should -BeIn 'LoRA BF16', 'QLoRA NF4'
        }
        @(Get-GpuRecommendation -ModelParameters 7e9 -Training -Precision BF16 -Top 50 |
            Where-Object Card -eq 'GeForce RTX 3090')[0].Method | Should -Be 'LoRA BF16'
        # The header is wrapped at words for 80 columns, so it is read with its line breaks as spaces.
        $flat = ($r | Out-String -Width 400) -replace '\s+', ' '
        $flat | Should -Match 'Full BF16 118\.3 GB, LoRA BF16 20\.9 GB, QLoRA NF4 10\.5 GB'
        $flat | Should -Match 'Speed = expected LLMFineTune throughput x one RTX 3090'
        $text = $r | Out-String -Width 80
        $text | Should -Match '#\s+Card\s+GPU\s+Price\s+Cond\s+Method\s+Speed\s+Per\$1k\s+Flags'
        # Every Speed carries the performance model's band.
        $text | Should -Match '\d\.\d\d\u00b1\d+%'
        Widest $text | Should -BeLessOrEqual 80
        # The header wraps at words: no number, unit or name split over two lines ("71/TFLOP" / "S", "BF1" / "6").
        $words = ($r | Out-String -Width 400) -split '\s+' | Where-Object { $_ -match '\d|TFLOPS|Format-List' }
        foreach ($line in $text -split "`n") {
            foreach ($w in $line.Trim() -split '\s+') {
                if ($w -and $w -match '\d|TFLOP|Format') { $words | Should -Contain $w -Because "'$w' should be whole" }
            }
        }
    }

    It 'shows rentals in their own table with provider, $/h and date, within 80 columns' {
        $r = @(Get-GpuRecommendation -ModelParameters 70e9 -Workload LLMInference -IncludeCloud)
        $rent = @($r | Where-Object Kind -eq 'Rent')
        $rent.Count | Should -BeGreaterThan 0
        $rent | ForEach-Object { $_.PriceDate | Should -Not -BeNullOrEmpty; $_.Provider | Should -Not -BeNullOrEmpty }
        $text = $r | Out-String -Width 80
        $text | Should -Match '#\s+Card\s+GPU\s+\$/h\s+Method\s+Tok/s\s+\$/Mtok\s+Provider\s+Seen Flags'
        foreach ($x in $rent) {
            $provider = if ($x.Provider.Length -gt 11) { $x.Provider.Substring(0, 10) } else { $x.Provider }
            $text | Should -Match ([regex]::Escape($provider) + '\S*\s+' + [regex]::Escape($x.PriceDate))
        }
        Widest $text | Should -BeLessOrEqual 80
    }

    It 'adds the cost of the hours and buy-versus-rent with electricity' {
        $r = @(Get-GpuRecommendation -Workload LLMFineTune -ModelParameters 1.5e9 -Training -TrainingHours 200 -ElectricityPrice 0.3)
        ($r | Where-Object Kind -eq 'Rent') | ForEach-Object { $_.CostForHoursUsd | Should -BeGreaterOrEqual 0 }
        ($r | Where-Object Kind -eq 'Buy' | Select-Object -First 1).BuyVersusRent | Should -Match 'at \$0\.30/kWh'
    }

    It 'rates the GPU from the pipeline, choosing the variant by its memory, and names upgrades' {
        $device = [pscustomobject]@{ Index = 0; Name = 'NVIDIA GeForce RTX 3060'; TotalMemory = [uint64]12622168064 }
        $r = @($device | Get-GpuRecommendation -Workload ComputerVision -Budget 1000)
        $r[0].Kind | Should -Be 'Current'
        $r[0].Card | Should -Be 'GeForce RTX 3060 12GB'
        ($r | Select-Object -Skip 1).Kind | Sort-Object -Unique | Should -Be 'Upgrade'
        $small = [pscustomobject]@{ Index = 0; Name = 'NVIDIA GeForce RTX 3060'; TotalMemory = [uint64]8361672704 }
        @($small | Get-GpuRecommendation -Workload Learning -Budget 1000)[0].Card | Should -Be 'GeForce RTX 3060 8GB'
    }

    It 'takes a real H100 or H200 device object, also deserialized' {
        $device = [pscustomobject]@{
            PSTypeName = 'DlGpuTools.CudaDevice'; Index = 0; Name = 'NVIDIA H100 80GB HBM3'; TotalMemory = [uint64]85045477376
        }
        $copy = [System.Management.Automation.PSSerializer]::Deserialize([System.Management.Automation.PSSerializer]::Serialize($device))
        @($copy | Get-GpuRecommendation -Workload LLMInference -WarningAction SilentlyContinue)[0].Card | Should -Be 'NVIDIA H100 SXM5 80GB'
        @([pscustomobject]@{ Name = 'NVIDIA H200'; TotalMemory = [uint64]150109880320 } |
            Get-GpuRecommendation -WarningAction SilentlyContinue)[0].Card | Should -Be 'NVIDIA H200 SXM 141GB'
    }

    It 'says when nothing beats the current GPU' {
        $ask = @{ CurrentGpu = 'NVIDIA H200'; Workload = 'LLMFineTune'; Budget = 3000 }
        $r = @(Get-GpuRecommendation @ask -WarningVariable warn -WarningAction SilentlyContinue)
        $r.Count | Should -Be 1
        "$($warn[0])" | Should -Match 'beats your NVIDIA H200 SXM 141GB by 1.5x'
    }

    It 'reports an unknown or ambiguous -CurrentGpu as an error with the candidates' {
        Get-GpuRecommendation -CurrentGpu nonsense -ErrorVariable err -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $err[0].FullyQualifiedErrorId | Should -Be "GpuCardNotFound,$RecFqid"
        $err[0].ErrorDetails.Message | Should -Match 'Closest: '
        $err[0].ErrorDetails.RecommendedAction | Should -Match 'CardTable'
        Get-GpuRecommendation -CurrentGpu 'RTX*' -ErrorVariable err2 -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $err2[0].FullyQualifiedErrorId | Should -Be "GpuCardAmbiguous,$RecFqid"
        $err2[0].ErrorDetails.Message | Should -Match 'NVIDIA RTX A6000'
    }

    It 'refuses -Training without -ModelParameters with a clear error' {
        { Get-GpuRecommendation -Training } | Should -Throw -ErrorId "TrainingNeedsModelParameters,$RecFqid"
    }

    It 'reports an impossible training precision as InvalidModel' {
        Get-GpuRecommendation -ModelParameters 7e9 -Training -Precision FP8 -ErrorVariable err -ErrorAction SilentlyContinue |
            Should -BeNullOrEmpty
        $err[0].FullyQualifiedErrorId | Should -Be "InvalidModel,$RecFqid"
    }

    It 'reads a user price table and stops with PriceTableInvalid on a bad one' {
        $file = Join-Path $TestDrive 'prices.csv'
        Set-Content $file 'card,condition,price_usd,price_date,provider,source,notes', 'RTX 3090,used,400,2026-11-20,classifieds,my notes,'
        # -Goal Value: under the default Best goal a faster 24 GB card within the budget would lead, whatever this price.
        $r = @(Get-GpuRecommendation -Workload NLP -Budget 1500 -Goal Value -PriceTable $file)
        $r[0].Card | Should -Be 'GeForce RTX 3090'
        $r[0].PriceUsd | Should -Be 400
        Set-Content $file 'card,condition,price_usd,price_date,provider,source,notes', 'RTX 3090,used,NaN,2026-11,classifieds,my notes,'
        { Get-GpuRecommendation -PriceTable $file } | Should -Throw -ErrorId "PriceTableInvalid,$RecFqid"
        Set-Content $file 'card,condition,price_usd,price_date,provider,source,notes'
        { Get-GpuRecommendation -PriceTable $file } | Should -Throw -ErrorId "PriceTableInvalid,$RecFqid"
    }

    It 'reads a price table that Export-Csv wrote, with PascalCase headers (issue 27 item 15)' {
        $file = Join-Path $TestDrive 'export-prices.csv'
        [pscustomobject]@{
            Card = 'GeForce RTX 3090'; Condition = 'used'; PriceUsd = 420; PriceDate = '2026-11'; Provider = 'classifieds'
            Source = 'my notes'; Notes = ''
        } | Export-Csv $file
        $r = @(Get-GpuRecommendation -Workload NLP -Budget 1500 -Goal Value -PriceTable $file)
        $r[0].Card | Should -Be 'GeForce RTX 3090'
        $r[0].PriceUsd | Should -Be 420
    }

    It 'says once which column a price table lacks, or that its separator is not a comma' {
        $file = Join-Path $TestDrive 'header.csv'
        Set-Content $file 'model,condition,price_usd,price_date,provider,source,notes',
            (1..50 | ForEach-Object { 'RTX 3090,used,400,2026-11,x,y,' })
        $e = { Get-GpuRecommendation -PriceTable $file } | Should -Throw -ErrorId "PriceTableInvalid,$RecFqid" -PassThru
        $e.Exception.Message | Should -Match "no 'card' column"
        $e.Exception.Message | Should -Not -Match 'the card is empty'
        Set-Content $file 'card;condition;price_usd;price_date;provider;source;notes', 'RTX 3090;used;400;2026-11;x;y;'
        $e = { Get-GpuRecommendation -PriceTable $file } | Should -Throw -ErrorId "PriceTableInvalid,$RecFqid" -PassThru
        $e.Exception.Message | Should -Match "separated by ';'"
    }

    It 'refuses a price seen in the future, which would hide the staleness warning' {
        $file = Join-Path $TestDrive 'future.csv'
        Set-Content $file 'card,condition,price_usd,price_date,provider,source,notes', 'RTX 3090,used,400,2099-01,classifieds,my notes,'
        $e = { Get-GpuRecommendation -PriceTable $file } | Should -Throw -ErrorId "PriceTableInvalid,$RecFqid" -PassThru
        $e.Exception.Message | Should -Match "price_date 2099-01 is in the future"
        Set-Content $file 'card,condition,price_usd,price_date,provider,source,notes', 'RTX 3090,used,400,2020-01,classifieds,my notes,'
        $old = @(Get-GpuRecommendation -Workload NLP -Budget 1500 -PriceTable $file) | Where-Object Card -eq 'GeForce RTX 3090'
        ($old.Warnings -join ' ') | Should -Match 'seen 2020-01, \d+ months ago'
    }

    It 'shows the first 20 faults of a huge bad table and a count' {
        $file = Join-Path $TestDrive 'huge.csv'
        $lines = [System.Collections.Generic.List[string]]::new(); $lines.Add('card,condition,price_usd,price_date,provider,source,notes')
        for ($i = 0; $i -lt 170000; $i++) { $lines.Add('x,,,,,,') }
        [System.IO.File]::WriteAllLines($file, $lines)
        $e = { Get-GpuRecommendation -PriceTable $file } | Should -Throw -ErrorId "PriceTableInvalid,$RecFqid" -PassThru
        $e.Exception.Message.Length | Should -BeLessThan 8000
        $e.Exception.Message | Should -Match 'and [\d,]+ more'
    }

    It 'validates its numbers and completes workloads and precisions' {
        { Get-GpuRecommendation -Budget -5 } | Should -Throw -ErrorId "ParameterArgumentValidationError,$RecFqid"
        { Get-GpuRecommendation -Workload Gaming } | Should -Throw -ErrorId "CannotConvertArgumentNoMessage,$RecFqid"
        $line = 'Get-GpuRecommendation -Workload LLM'
        (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText | Sort-Object |
            Should -Be @('LLMFineTune', 'LLMInference')
        $line = 'Get-GpuRecommendation -CurrentGpu 4090'
        (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText |
            Should -Contain "'GeForce RTX 4090'"
    }

    It 'takes sizes as people write them: 7B, 70B and 1.5B parameters, 8k and 128k tokens' {
        $written = @(Get-GpuRecommendation -ModelParameters 7B -ContextLength 8k -Workload LLMInference -Top 1)
        $plain = @(Get-GpuRecommendation -ModelParameters 7e9 -ContextLength 8192 -Workload LLMInference -Top 1)
        $written[0].Card | Should -Be $plain[0].Card
        $written[0].MemorySummary | Should -Be $plain[0].MemorySummary
        $written[0].RequiredMemoryGB | Should -Be $plain[0].RequiredMemoryGB
        (Get-GpuRecommendation -ModelParameters '1.5B' -Workload LLMInference -Top 1)[0].RequiredMemoryGB |
            Should -Be (Get-GpuRecommendation -ModelParameters 1.5e9 -Workload LLMInference -Top 1)[0].RequiredMemoryGB
        (Get-GpuRecommendation -ModelParameters 70B -ContextLength 128k -Workload LLMInference -Top 1)[0].RequiredMemoryGB |
            Should -Be (Get-GpuRecommendation -ModelParameters 70e9 -ContextLength 131072 -Workload LLMInference -Top 1)[0].RequiredMemoryGB
        { Get-GpuRecommendation -ModelParameters 7Q -ErrorAction Stop } |
            Should -Throw -ErrorId 'ParameterArgumentTransformationError,DlGpuTools.Commands.GetGpuRecommendationCommand'
        $e = { Get-GpuRecommendation -ModelParameters seven -ErrorAction Stop } | Should -Throw -PassThru
        $e.Exception.Message | Should -Match "'seven' is not a number: .*7B or 70B"
    }

    It 'says that $800 is a PowerShell variable when -Budget arrives as 0' {
        # What "-Budget $800" gives without strict mode: the variable $800 is not set, so the parameter is bound to 0
        # (under strict mode PowerShell itself stops at the undefined variable).
        $e = { Set-StrictMode -Off; Get-GpuRecommendation -Budget $800 -ErrorAction Stop } |
            Should -Throw -ErrorId 'ParameterArgumentValidationError,DlGpuTools.Commands.GetGpuRecommendationCommand' -PassThru
        $e.Exception.Message | Should -Match '\$800 is a variable'
        $e.Exception.Message | Should -Match '-Budget 800'
    }

    It 'shows a list view with inputs and warnings and survives serialization' {
        # A learner sees the free tiers first; the first card to buy follows them.
        $r = Get-GpuRecommendation -Workload Learning -Budget 300 -Top 3 -IncludeNonCuda |
            Where-Object Kind -eq 'Buy' | Select-Object -First 1
        $list = $r | Format-List | Out-String -Width 200
        $list | Should -Match 'SpeedFormula\s*:\s*1 / \(0\.\d+ x [\d.]+/[\d.]+ \+'
        $list | Should -Match 'ModelInputs\s*:\s*(BF16|FP16) [\d.]+ TFLOPS, \d+ GB/s'
        $copy = [System.Management.Automation.PSSerializer]::Deserialize([System.Management.Automation.PSSerializer]::Serialize($r))
        $copy.PSObject.TypeNames[0] | Should -Be 'Deserialized.DlGpuTools.GpuRecommendation#Buy'
        ($copy | Out-String -Width 80) | Should -Match 'Per\$1k'
    }

    It 'takes a named model: its shape, its task and its own vocabulary decide the memory' {
        $r = @(Get-GpuRecommendation -Model gpt-oss-120b -IncludeCloud -Top 3 -WarningAction SilentlyContinue)
        $r[0].Workload | Should -Be 'LLMInference'
        $r[0].MemorySummary | Should -Match 'MXFP4'
        $r[0].MethodEstimates -join ' ' | Should -Match '5\.1B of 116\.8B active'
        $bert = @(Get-GpuRecommendation -Model BERT-large -Training -ContextLength 512 -BatchSize 32 -Top 1)
        $bert[0].Workload | Should -Be 'NLP'
        $bert[0].MethodEstimates[0] | Should -Match 'no vocabulary logits'
        (TabExpansion2 'Get-GpuRecommendation -Model gpt-oss' 34).CompletionMatches.CompletionText | Should -Contain 'gpt-oss-120b'
        { Get-GpuRecommendation -Model 'Llama-9' } | Should -Throw -ErrorId "ModelPresetNotFound,$RecFqid"
    }

    It 'sizes a card by the method when a model is given: QLoRA of 8B on a 12-16 GB card under $700' {
        $r = @(Get-GpuRecommendation -ModelParameters 8e9 -Workload LLMFineTune -Budget 700 -WarningAction SilentlyContinue)
        $r | Should -Not -BeNullOrEmpty
        $r[0].Method | Should -Be 'QLoRA NF4'
        $r[0].MemoryGB | Should -BeGreaterOrEqual 12
        $r[0].MemoryGB | Should -BeLessOrEqual 16
        @(Get-GpuRecommendation -ModelParameters 8e9 -Method LoRA -Top 1)[0].Method | Should -Be 'LoRA BF16'
    }
}

Describe 'Get-GpuRecommendation -Engine and PriceKind, read from the engine''s tables' {
    It 'validates and completes -Engine from the engine''s table, in any case, and names the engines when one is unknown' {
        $attributes = (Get-Command Get-GpuRecommendation).Parameters['Engine'].Attributes
        @($attributes | Where-Object { $_ -is [System.Management.Automation.ValidateSetAttribute] }) | Should -BeNullOrEmpty
        @($attributes | Where-Object { $_ -is [DlGpuTools.Validation.ValidateRegisteredIdAttribute] }) | Should -HaveCount 1
        $line = 'Get-GpuRecommendation -Engine '
        $all = (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches
        $all.CompletionText | Should -Be @('llama.cpp', 'vLLM', 'TensorRT-LLM')
        { Get-GpuRecommendation -Engine SGLang } |
            Should -Throw -ErrorId "ParameterArgumentValidationError,$RecFqid" -ExpectedMessage "*'SGLang'*llama.cpp, vLLM, TensorRT-LLM*"
        foreach ($pair in @(@('VLLM', 'vLLM'), @('tensorrt-llm', 'TensorRT-LLM'), @('LLAMA.CPP', 'llama.cpp'))) {
            $r = @(Get-GpuRecommendation -Model gpt-oss-120b -Engine $pair[0] -Top 1 -WarningAction SilentlyContinue)
            $r[0].Engine | Should -BeExactly $pair[1] -Because "-Engine $($pair[0]) names $($pair[1])"
        }
    }

    It 'shows PriceKind as new, used or MSRP, read back from JSON, and refuses other words' {
        $r = @(Get-GpuRecommendation -Budget 3000 -Workload NLP -Top 20 -CurrentGpu 'GeForce RTX 3060 12GB' -WarningAction SilentlyContinue)
        $priced = @($r | Where-Object { $null -ne $_.PriceUsd })
        $priced | Should -Not -BeNullOrEmpty
        $priced | ForEach-Object { $_.PriceKind | Should -BeIn 'new', 'used', 'MSRP' }
        $back = [DlGpuTools.GpuRecommendation] ($priced[0] | ConvertTo-Json -Depth 3 | ConvertFrom-Json |
            Select-Object Rank, Kind, Card, PriceUsd, PriceKind)
        $back.PriceKind | Should -BeExactly $priced[0].PriceKind
        $row = [DlGpuTools.GpuRecommendation]::new()
        $row.PriceKind = 'msrp'
        $row.PriceKind | Should -BeExactly 'MSRP'
        $row.PriceKind = 'launch'
        $row.PriceKind | Should -BeExactly 'MSRP' # what earlier builds wrote on the own card's row still reads back
        { $row.PriceKind = 'refurbished' } | Should -Throw -ExpectedMessage "*'refurbished'*new, used, MSRP*"
    }
}
