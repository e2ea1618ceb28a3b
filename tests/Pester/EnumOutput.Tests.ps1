# Every test in this file runs under strict mode: a misspelt variable or property fails instead of reading $null.
BeforeAll { Set-StrictMode -Version 3.0 }

BeforeDiscovery {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    $script:NoFakes = -not (Test-FakesAvailable)
}

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    Import-Module $ModuleManifest -Force
    # A clean, idle node with one growing counter: the report is Degraded with a Watch action (names that are not an
    # enum's first value, so a number 0 in the JSON could not pass for them).
    $script:Degraded = 'FAKENVML_ECC_HISTORY=0', 'FAKENVML_GPU0_PROCESSES=0', 'FAKENVML_PCIE_REPLAYS_STEP=5'

    # ConvertTo-Json writes an enum-typed property as its number in both editions (-EnumsAsStrings is PowerShell 7
    # only); the models show domain values as text, so the JSON must hold names and no bare numbers for them.
    function script:Assert-JsonNames([string] $Json, [string[]] $Property, [string] $Pattern) {
        foreach ($name in $Property) {
            $values = @([regex]::Matches($Json, '"' + $name + '":\s*("[^"]*"|-?\d+|null)') | ForEach-Object { $_.Groups[1].Value })
            $values.Count | Should -BeGreaterThan 0 -Because "the JSON has $name"
            $values | ForEach-Object { $_ | Should -Match ('^"(' + $Pattern + ')"$') -Because "$name is shown by name" }
        }
    }
}

AfterAll { Clear-FakeGpu }

Describe 'Domain values read as names in JSON and CSV' {
    It 'shows Get-GpuRecommendation''s kinds by name' {
        $r = @(Get-GpuRecommendation -Budget 800 -Workload ComputerVision -IncludeCloud -CurrentGpu 'GeForce RTX 3060 12GB')
        Assert-JsonNames -Json ($r | ConvertTo-Json -Depth 3) -Property 'Kind' -Pattern 'Buy|Rent|Current|Upgrade'
        ($r | ConvertTo-Json -Depth 3) | Should -Match '"Kind":\s*"Rent"'
        $csv = $r | ConvertTo-Csv -NoTypeInformation | ConvertFrom-Csv
        @($csv.Kind | Sort-Object -Unique) | Should -Not -BeNullOrEmpty
        $csv.Kind | ForEach-Object { $_ | Should -BeIn 'Buy', 'Rent', 'Current', 'Upgrade' }
    }

    It 'shows Get-GpuSpec''s form factor, interconnect and platform by name' {
        $spec = Get-GpuSpec 'NVIDIA H100 80GB HBM3'
        Assert-JsonNames -Json ($spec | ConvertTo-Json -Depth 2) -Property 'FormFactor', 'Interconnect', 'Platform' -Pattern '[A-Z]\w+'
        $row = $spec | ConvertTo-Csv -NoTypeInformation | ConvertFrom-Csv
        "$($row.FormFactor) $($row.Interconnect) $($row.Platform)" | Should -Be 'Sxm NvSwitch Cuda'
    }
}

Describe 'Domain values of the health and install checks read as names' -Skip:$NoFakes {
    AfterEach { Clear-FakeGpu }

    It 'shows Test-GpuHealth''s level, verdict, actions and statuses by name, in JSON and CSV' {
        Use-FakeGpu -Setting $Degraded
        $r = Test-GpuHealth -XidWatchSeconds 0
        $json = $r | ConvertTo-Json -Depth 4
        Assert-JsonNames -Json $json -Property 'Verdict' -Pattern 'Healthy|Degraded|Unhealthy'
        Assert-JsonNames -Json $json -Property 'Action' -Pattern 'None|Watch|Configure|Drain|ResetGpu|RebootNode|ReplaceGpu'
        Assert-JsonNames -Json $json -Property 'Status' -Pattern 'Passed|Skipped|Warning|Failed'
        Assert-JsonNames -Json $json -Property 'Level' -Pattern 'Quick|Standard|Long'
        ($json | ConvertFrom-Json).Verdict | Should -Be 'Degraded'
        ($json | ConvertFrom-Json).Action | Should -Be 'Watch'
        $row = $r | ConvertTo-Csv -NoTypeInformation | ConvertFrom-Csv
        "$($row.Level) $($row.Verdict) $($row.Action)" | Should -Be 'Quick Degraded Watch'
        $checks = $r.Checks | ConvertTo-Csv -NoTypeInformation | ConvertFrom-Csv
        @($checks | Where-Object Status -EQ 'Warning').Count | Should -BeGreaterThan 0
        $checks.Status | ForEach-Object { $_ | Should -BeIn 'Passed', 'Skipped', 'Warning', 'Failed' }
    }

    It 'shows Test-CuDnnInstall''s statuses by name, in JSON and CSV' {
        Use-FakeGpu
        $checks = @(Test-CuDnnInstall -ErrorAction SilentlyContinue)
        Assert-JsonNames -Json ($checks | ConvertTo-Json -Depth 3) -Property 'Status' -Pattern 'Passed|Skipped|Warning|Failed'
        $rows = $checks | ConvertTo-Csv -NoTypeInformation | ConvertFrom-Csv
        $rows[-1].Status | Should -Be $checks[-1].Status
        $rows.Status | ForEach-Object { $_ | Should -BeIn 'Passed', 'Skipped', 'Warning', 'Failed' }
    }

    It 'turns a deserialized or JSON report back into a report with the same verdict, as pipeline binding does' {
        Use-FakeGpu -Setting $Degraded
        $r = Test-GpuHealth -XidWatchSeconds 0
        $copy = [System.Management.Automation.PSSerializer]::Deserialize([System.Management.Automation.PSSerializer]::Serialize($r, 1))
        $back = [DlGpuTools.GpuHealthReport] [pscustomobject] @{ Verdict = $copy.Verdict; Action = $copy.Action; Level = $copy.Level }
        "$($back.Verdict) $($back.Action) $($back.Level) $($back.IsUsable())" | Should -Be 'Degraded Watch Quick True'
        # A verdict edited in JSON by hand, in another case: the enum decides, so Sync-SlurmNodeHealth drains it.
        $edited = [DlGpuTools.GpuHealthReport] (($r | Select-Object Verdict, Reason | ConvertTo-Json) -replace 'Degraded', 'unhealthy' |
            ConvertFrom-Json)
        $edited.Verdict | Should -Be 'Unhealthy'
        $edited.IsUsable() | Should -BeFalse
        { [DlGpuTools.GpuHealthReport] [pscustomobject] @{ Verdict = 'Fine' } } |
            Should -Throw -ExpectedMessage '*Healthy, Degraded, Unhealthy*'
    }
}
