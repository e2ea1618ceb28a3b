# The cmdlet layer's plumbing lives in its base classes (issue 23, item 7): one cancellation token, one way from an
# engine failure to an ErrorRecord, and no catch that dresses an engine bug as the user's mistake.

# Every test in this file runs under strict mode: a misspelt variable or property fails instead of reading $null.
BeforeAll { Set-StrictMode -Version 3.0 }

BeforeDiscovery {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    $script:NoFakes = -not (Test-FakesAvailable)
}

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    Import-Module $ModuleManifest -Force
    $script:CmdletSource = Join-Path $RepoRoot 'src/DlGpuTools'
    $script:Sources = @(Get-ChildItem -LiteralPath $CmdletSource -Filter '*.cs' -Recurse |
        Where-Object { $_.FullName -notmatch '[\\/](obj|bin)[\\/]' })
    function script:Get-SourceMatch([string] $Pattern) {
        @($Sources | Select-String -Pattern $Pattern |
            ForEach-Object { '{0}:{1}: {2}' -f $_.Path.Substring($CmdletSource.Length + 1), $_.LineNumber, $_.Line.Trim() })
    }
    $script:BaseType = [DlGpuTools.Commands.DlGpuCmdlet]
    $script:ToRecord = $BaseType.GetMethod('ToErrorRecord', [Reflection.BindingFlags] 'NonPublic, Static', $null,
        [Type[]] @([Exception], [object]), $null)
}

Describe 'The cmdlet base classes' {
    It 'are the base of every command, so each gets the same cancellation, disposal and failures' {
        $commands = @(Get-Command -Module DlGpuTools -CommandType Cmdlet)
        $commands.Count | Should -BeGreaterThan 20
        @($commands | Where-Object { -not $BaseType.IsAssignableFrom($_.ImplementingType) } | ForEach-Object Name) | Should -BeNullOrEmpty
    }

    It 'hold the only CancellationTokenSource and build the only ErrorRecord of the cmdlet layer' {
        $sources = @(Get-SourceMatch 'CancellationTokenSource' | Where-Object { $_ -notlike 'DlGpuCmdlet.cs:*' })
        $sources | Should -BeNullOrEmpty -Because 'commands use the base class''s Cancellation token'
        $records = @(Get-SourceMatch 'new ErrorRecord\(' | Where-Object { $_ -notlike 'DlGpuCmdlet.Failures.cs:*' })
        $records | Should -BeNullOrEmpty -Because 'commands raise engine exceptions and the base class turns them into records'
    }

    It 'leave no catch that would turn an engine bug into the user''s error' {
        # A catch of ArgumentException took a planted int.Parse(null) in the engine for "InvalidModel" (issue 23). A
        # catch of Exception must say which it takes (a when filter); console and host calls' own exceptions are named.
        $broadTypes = 'Exception|SystemException|ArgumentException|ArgumentNullException|ArgumentOutOfRangeException|FormatException'
        $broad = 'catch\s*\(\s*(System\.)?(' + $broadTypes + ')\b(\s+\w+)?\s*\)(?!\s*when)'
        'catch (ArgumentException e)' | Should -Match $broad -Because 'the rule must see the catch that hid the planted bug'
        'catch (Exception e) when (e is IOException)' | Should -Not -Match $broad
        Get-SourceMatch $broad | Should -BeNullOrEmpty
        Get-SourceMatch 'catch\s*(\{|$)' | Should -BeNullOrEmpty
    }
}

Describe 'Parameters shared by commands on different bases' {
    It 'declares -Library and -ThreadCount once, for both commands that measure the CPU, with help and completion' {
        foreach ($name in 'Measure-CpuMatMul', 'Measure-GpuSpeedup') {
            $command = Get-Command $name
            $command.ImplementingType.GetProperty('Library') | Should -BeNullOrEmpty -Because 'CpuBlasParameters declares it'
            $command.Parameters['Library'].IsDynamic | Should -BeTrue
            $command.Parameters['ThreadCount'].Attributes.Where({ $_ -is [ValidateRange] }).MaxRange | Should -Be 4096
            $command.Parameters['Library'].Attributes.Where({ $_ -is [ArgumentCompleter] }).Type.Name | Should -Be 'BlasLibraryCompleter'
            (Get-Help $name -Parameter ThreadCount).defaultValue | Should -Be '0'
        }
        $validation = 'ParameterArgumentValidationError,DlGpuTools.Commands.MeasureCpuMatMulCommand'
        { Measure-CpuMatMul -ThreadCount 0 } | Should -Throw -ErrorId $validation
        $sources = @(Get-SourceMatch 'public int ThreadCount' | ForEach-Object { $_.Split(':')[0] })
        $sources | Should -Be @('Commands/CpuBlasParameters.cs')
    }
}

Describe 'The one way from an engine failure to an ErrorRecord' {
    It 'gives a described failure its id, category, remedy and target' {
        $failure = [DlGpuTools.Recommendations.RecommendationInputException]::new('Full training in INT4 is not estimated.',
            'Train in BF16.')
        $record = $ToRecord.Invoke($null, @($failure, '7e9'))
        $record.FullyQualifiedErrorId | Should -Be 'InvalidModel'
        $record.CategoryInfo.Category | Should -Be 'InvalidArgument'
        $record.ErrorDetails.RecommendedAction | Should -Be 'Train in BF16.'
        $record.TargetObject | Should -Be '7e9'
        $record.Exception | Should -Be $failure
    }

    It 'carries the catalogue entry''s severity in the exception''s Data, where scripts and Get-Error read it' {
        $inputFailure = [DlGpuTools.Recommendations.RecommendationInputException]::new('INT4 training is not estimated.', 'Train in BF16.')
        $ToRecord.Invoke($null, @($inputFailure, $null)).Exception.Data['Severity'] | Should -Be 'Input'
        $hostEntry = [DlGpuTools.Errors.ErrorCatalogue]::CollectiveHostUnreachable
        $unreachable = [DlGpuTools.Collectives.CollectiveHostException]::new($hostEntry, 'No session.', 'Check ssh.', 'gpu7')
        $ToRecord.Invoke($null, @($unreachable, 'gpu7')).Exception.Data['Severity'] | Should -Be 'Host'
        $hostEntry.Severity | Should -Be 'Host'
    }

    It 'shows the severity on a failure a command raised, also after -ErrorAction Stop' {
        $err = $null
        try { Measure-GpuMatMul -DataType FP16 -FastAccumulation -ErrorAction Stop } catch { $err = $_ }
        $err.FullyQualifiedErrorId | Should -BeLike 'FastAccumulationNeedsFP8,*'
        $err.Exception.Data[[DlGpuTools.Commands.DlGpuCmdlet]::SeverityKey] | Should -Be 'Input'
    }

    It 'points a failure at what the user gave: -DataType for fast accumulation without FP8, nothing for a shape conflict' {
        $err = $null
        try { Measure-GpuMatMul -DataType FP16, BF16 -FastAccumulation -ErrorAction Stop } catch { $err = $_ }
        @($err.TargetObject) | Should -Be @('FP16', 'BF16')
        $err = $null
        try { Measure-GpuMatMul -Size 64 -M 64 -N 64 -K 64 -FastAccumulation -ErrorAction Stop } catch { $err = $_ }
        $err.FullyQualifiedErrorId | Should -BeLike 'MatMulShapeConflict,*'
        $err.TargetObject | Should -BeNullOrEmpty
    }

    It 'gives an engine bug no record, so it surfaces as itself (an ArgumentNullException is not InvalidModel)' {
        $ToRecord.Invoke($null, @([ArgumentNullException]::new('s'), $null)) | Should -BeNullOrEmpty
        $ToRecord.Invoke($null, @([FormatException]::new('Input string was not in a correct format.'), $null)) | Should -BeNullOrEmpty
    }

    It 'words a rank result that cannot be read back where it is read: CollectiveRankResultsDiffer, naming the rank' {
        $reader = $BaseType.Assembly.GetType('DlGpuTools.Commands.Remoting.RankResultReader', $true)
        $read = $reader.GetMethod('Read').MakeGenericMethod([DlGpuTools.CollectiveRankResult])
        $failure = $null
        try { $read.Invoke($null, @($null, 3)) } catch { $failure = $_.Exception.GetBaseException() }
        $failure | Should -BeOfType ([DlGpuTools.Collectives.CollectiveHostException])
        $failure.ErrorId | Should -Be 'CollectiveRankResultsDiffer'
        $failure.Message | Should -BeLike '*(rank 3: A rank returned nothing where a CollectiveRankResult was due.)*'
    }

    It 'words a rank value that fits no property the same way: text for a number, a negative size, a status with no name' {
        $reader = $BaseType.Assembly.GetType('DlGpuTools.Commands.Remoting.RankResultReader', $true)
        $sent = @(
            @{ Type = [DlGpuTools.CollectiveRankResult]; Bag = [pscustomobject]@{ Rank = 'abc' }
               Like = '*rank 1: A Int32 arrived as*abc*' }
            @{ Type = [DlGpuTools.CollectiveRankResult]
               Bag = [pscustomobject]@{ Operations = @([pscustomobject]@{ Sizes = @([pscustomobject]@{ Bytes = -5 }) }) }
               Like = '*rank 1: A UInt64 arrived as*-5*' }
            @{ Type = [DlGpuTools.InstallCheck]; Bag = [pscustomobject]@{ Status = 'Bogus' }
               Like = '*rank 1: InstallCheck.Status:*Bogus*' }
        )
        foreach ($case in $sent) {
            $read = $reader.GetMethod('Read').MakeGenericMethod($case.Type)
            $failure = $null
            try { $read.Invoke($null, @([psobject]$case.Bag, 1)) } catch { $failure = $_.Exception.GetBaseException() }
            $failure | Should -BeOfType ([DlGpuTools.Collectives.CollectiveHostException])
            $failure.ErrorId | Should -Be 'CollectiveRankResultsDiffer'
            $failure.Message | Should -BeLike $case.Like
        }
    }
}

Describe 'Errors that were built by hand keep their ids' {
    It 'Measure-GpuCollective -MaxBytes below -MinBytes is CollectiveSizeRange, with a remedy' -Skip:$NoFakes {
        Use-FakeGpu
        try {
            { Measure-GpuCollective -MinBytes 64 -MaxBytes 8 -ErrorAction Stop } |
                Should -Throw -ErrorId 'CollectiveSizeRange,DlGpuTools.Commands.MeasureGpuCollectiveCommand'
            $err = $null
            try { Measure-GpuCollective -MinBytes 64 -MaxBytes 8 -ErrorAction Stop } catch { $err = $_ }
            $err.ErrorDetails.RecommendedAction | Should -Match '-MaxBytes'
        }
        finally { Clear-FakeGpu }
    }

    It ('Measure-CpuMatMul with -Size and -M is MatMulShapeConflict; ' +
        'Measure-GpuMatMul -FastAccumulation without FP8 is FastAccumulationNeedsFP8') {
        { Measure-CpuMatMul -Size 64 -M 64 -N 64 -K 64 } |
            Should -Throw -ErrorId 'MatMulShapeConflict,DlGpuTools.Commands.MeasureCpuMatMulCommand'
        { Measure-CpuMatMul -M 64 } | Should -Throw -ErrorId 'MatMulShapeIncomplete,DlGpuTools.Commands.MeasureCpuMatMulCommand'
        { Measure-GpuMatMul -DataType FP16 -FastAccumulation } |
            Should -Throw -ErrorId 'FastAccumulationNeedsFP8,DlGpuTools.Commands.MeasureGpuMatMulCommand'
        { Measure-GpuSpeedup -DataType FP8 } | Should -Throw -ErrorId 'MatMulTypeNotSupported,DlGpuTools.Commands.MeasureGpuSpeedupCommand'
    }
}
