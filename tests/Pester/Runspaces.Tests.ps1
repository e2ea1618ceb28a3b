# Every test in this file runs under strict mode: a misspelt variable or property fails instead of reading $null.
BeforeAll { Set-StrictMode -Version 3.0 }

BeforeDiscovery {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    $script:NoFakes = -not (Test-FakesAvailable)
}

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
}

Describe 'Several runspaces of one process at once' {
    It 'survive 20 s of override flips, module re-imports, listing and measuring, with only classified errors' -Skip:$NoFakes {
        $run = Invoke-RunspaceStress -FakesPath $FakesPath -Seconds 20
        $run.ExitCode | Should -Be 0 -Because "the process must survive (139 is SIGSEGV). Output:`n$($run.Output)"
        $run.Summary | Should -Not -BeNullOrEmpty -Because $run.Output
        foreach ($r in $run.Summary.Runspaces) {
            $errors = ($r.Errors | ForEach-Object { "$($_.Id) x$($_.Count)" }) -join '; '
            Write-Host ("    {0,-10} {1,6} iterations; errors: {2}" -f $r.Runspace, $r.Iterations,
                $(if ($errors) { $errors } else { 'none' }))
        }

        $byName = @{}
        $run.Summary.Runspaces | ForEach-Object { $byName[$_.Runspace] = $_ }
        $byName['lister'].Iterations | Should -BeGreaterThan 20
        $byName['measurer'].Iterations | Should -BeGreaterThan 3
        $byName['reimporter'].Iterations | Should -BeGreaterThan 5
        $byName['flipper'].Iterations | Should -BeGreaterThan 100
        $recorded = @($run.Summary.Runspaces | ForEach-Object { @($_.Errors) } | Where-Object { $null -ne $_ })
        $unclassified = @($recorded | Where-Object { $_.Id -notmatch $ClassifiedErrorPattern })
        @($unclassified | ForEach-Object { $_.Id }) | Should -BeNullOrEmpty
        # The flips really happened: the listers saw the missing and the too-old driver as well as the good one.
        $ids = @($byName['lister'].Errors.Id)
        ($ids -match '^CudaDriverNotFound').Count | Should -BeGreaterThan 0
        ($ids -match '^CudaDriverTooOld').Count | Should -BeGreaterThan 0
    }
}
