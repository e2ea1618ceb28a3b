# What a user types that a parameter must take, or refuse with a message that says why.

# Every test in this file runs under strict mode: a misspelt variable or property fails instead of reading $null.
BeforeAll { Set-StrictMode -Version 3.0 }

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    Import-Module $ModuleManifest -Force
}

Describe 'Decimal parameters' {
    It 'refuses <Value> for -Budget with a message that names it' -ForEach @(
        @{ Value = 'NaN'; Says = 'NaN is not a number' }
        @{ Value = 'Infinity'; Says = 'not a finite number' }
        @{ Value = '1e308'; Says = '1E\+308 is outside the allowed range: give a value from 1 to 10000000 US dollars' }
        @{ Value = '0.5'; Says = '0.5 is outside the allowed range' }
    ) {
        $err = { Get-GpuRecommendation -Budget $Value -ErrorAction Stop } |
            Should -Throw -ErrorId 'ParameterArgumentValidationError,DlGpuTools.Commands.GetGpuRecommendationCommand' -PassThru
        $err.Exception.Message | Should -Match $Says
        $err.Exception.Message | Should -Not -Match 'Int32'
    }

    It 'takes a decimal budget inside the range' {
        { Get-GpuRecommendation -Budget 799.5 -Workload Learning -WarningAction SilentlyContinue | Out-Null } | Should -Not -Throw
    }
}

Describe 'Version parameters' {
    It 'takes <Value> as a version' -ForEach @(
        @{ Value = '12'; Expected = '12.0' }
        @{ Value = 12; Expected = '12.0' }
        @{ Value = '12.4'; Expected = '12.4' }
        @{ Value = '9.1.0'; Expected = '9.1.0' }
    ) {
        $attribute = [DlGpuTools.Commands.VersionTransformationAttribute]::new()
        $attribute.Transform($null, $Value).ToString() | Should -Be $Expected
        # And through the real parameter binder.
        { Test-CuDnnInstall -MinimumCudaVersion $Value -Quiet | Out-Null } | Should -Not -Throw
    }

    It 'reads 9.20 as typed, minor version 20' {
        # Through the binder, where the literal keeps its text (9.20 must not become 9.2).
        function Get-BoundVersion { param([DlGpuTools.Commands.VersionTransformation()][Version] $V) $V }
        (Get-BoundVersion 9.20).ToString() | Should -Be '9.20'
        (Get-BoundVersion 12).ToString() | Should -Be '12.0'
    }

    It 'says what a version looks like when it is not one' {
        $err = { Test-CuDnnInstall -MinimumCudaVersion 'twelve' -Quiet } | Should -Throw -PassThru
        $err.Exception.Message | Should -Match 'major\.minor'
    }
}
