# $RemoteLoginEnvironment is read by the remoting test's setup block, which this file dot-sources.
[Diagnostics.CodeAnalysis.SuppressMessageAttribute('UnusedVariable', 'RemoteLoginEnvironment',
    Justification = 'read by the dot-sourced setup block')]
param()

# Every test in this file runs under strict mode: a misspelt variable or property fails instead of reading $null.
BeforeAll { Set-StrictMode -Version 3.0 }

BeforeDiscovery {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    $script:NoFakes = -not (Test-FakesAvailable) -or -not (Test-Path (Join-Path $FakesPath 'libnccl.so.2'))
    $script:HasGpu = Test-GpuPresent
    $script:GpuCount = if ($HasGpu) { @(& nvidia-smi -L 2>$null | Where-Object { $_ -match '^GPU \d+:' }).Count } else { 0 }
}

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    # The remoting test's own sshd setup (its BeforeAll, read from that file as it is, as TestDaemonRun.ps1 does), with
    # the login environment set (SetEnv) so that sessions this command opens itself find the module and the fakes.
    $ast = [Management.Automation.Language.Parser]::ParseFile((Join-Path $PSScriptRoot 'Remoting.Tests.ps1'), [ref] $null, [ref] $null)
    # Its first BeforeAll that sets something up (the one-line strict-mode block before it is not it).
    $setup = $ast.Find({
            param($node)
            $node -is [Management.Automation.Language.CommandAst] -and $node.GetCommandName() -eq 'BeforeAll' -and
            $node.CommandElements[1].Extent.Text -notmatch '^\{\s*Set-StrictMode[^;\r\n]*\}$'
        }, $true)
    $RemoteLoginEnvironment = $true
    . $setup.CommandElements[1].ScriptBlock.GetScriptBlock()
    if ($Why) { return }

    $script:Ssh = @{ Port = $Port; UserName = $User; KeyFilePath = (Join-Path $Dir 'client_key'); SshOption = $SshOptions }

    function Get-LoginProcess {
        # The login user's processes: the remote pwsh of each session, and anything a rank started.
        $uid = & id -u $User
        foreach ($status in Get-ChildItem /proc -Directory -ErrorAction SilentlyContinue | Where-Object Name -match '^\d+$') {
            $line = Get-Content -LiteralPath (Join-Path $status.FullName 'status') -ErrorAction SilentlyContinue |
                Where-Object { $_ -like 'Uid:*' }
            if ($line -and ($line -split '\s+')[1] -eq $uid) { [int]$status.Name }
        }
    }

    function Get-SshChild {
        # ssh clients this test process started (New-PSSession -HostName runs one per session).
        foreach ($status in Get-ChildItem /proc -Directory -ErrorAction SilentlyContinue | Where-Object Name -match '^\d+$') {
            $text = Get-Content -LiteralPath (Join-Path $status.FullName 'status') -ErrorAction SilentlyContinue
            $name = ($text | Where-Object { $_ -like 'Name:*' }) -replace '^Name:\s*', ''
            $parent = ($text | Where-Object { $_ -like 'PPid:*' }) -replace '^PPid:\s*', ''
            if ($name -eq 'ssh' -and [int]$parent -eq $PID) { [int]$status.Name }
        }
    }

    function Assert-NothingLeft {
        # Closing a session ends its ssh client at once and its remote pwsh shortly after.
        $deadline = [DateTime]::UtcNow.AddSeconds(15)
        while ([DateTime]::UtcNow -lt $deadline -and (@(Get-LoginProcess) + @(Get-SshChild)).Count -gt 0) { Start-Sleep -Milliseconds 200 }
        @(Get-LoginProcess) | Should -BeNullOrEmpty -Because 'no remote rank process may outlive the command'
        @(Get-SshChild) | Should -BeNullOrEmpty -Because 'every ssh client the command started must end with its session'
    }

    function New-RankSession {
        # A session as a user would open one and pass with -Session.
        $options = @{
            HostName = '127.0.0.1'; Port = $Port; UserName = $User; KeyFilePath = (Join-Path $Dir 'client_key'); Options = $SshOptions
        }
        New-PSSession @options -ErrorAction Stop
    }
}

AfterAll {
    if ($script:Daemon) { Stop-TestDaemon $script:Daemon }
    if ($script:User) { Remove-TestLoginUser $User }
    foreach ($folder in $script:Dir, $script:Login) {
        if ($folder -is [string]) { Remove-Item -LiteralPath $folder -Recurse -Force -ErrorAction SilentlyContinue }
    }
    Clear-FakeGpu
}

Describe 'Measure-GpuCollective with ranks on hosts over SSH remoting (loopback sshd, fake NCCL over shared memory)' -Skip:$NoFakes {
    BeforeEach {
        if ($Why) { Set-ItResult -Skipped -Because $Why }
        Use-RemoteFakeGpu -Setting @()
    }
    AfterEach { Clear-FakeGpu }

    It '-HostName starts one rank process per GPU of the host, exchanges the unique id through remoting and merges one verified result' {
        $started = [Diagnostics.Stopwatch]::StartNew()
        $results = @(Measure-GpuCollective -HostName 127.0.0.1 @Ssh -Operation AllReduce,
            AllGather -MinBytes 8 -MaxBytes 64KB -TimeoutSeconds 30 -ErrorAction Stop)
        Write-Host "    two ranks over SSH in $([int]$started.Elapsed.TotalSeconds) s"
        $results.Count | Should -Be 2
        foreach ($result in $results) {
            $result | Should -BeOfType ([DlGpuTools.CollectiveResult])
            $result.RankCount | Should -Be 2
            @($result.Ranks).Count | Should -Be 2
            @($result.Ranks) -join ' ' | Should -Match '^\S+:0 \(.*\) \S+:1 \(' # host:GPU index (name), in rank order
            @($result.Sizes).Count | Should -Be 14 # 8 B to 64 KiB, doubling
            ($result.Sizes | Measure-Object CheckedElements -Minimum).Minimum | Should -BeGreaterThan 0
            ($result.Sizes | Where-Object WrongElements -ne 0) | Should -BeNullOrEmpty
            $result.Failure | Should -BeNullOrEmpty
        }

        # Bus bandwidth with n = 2: AllReduce 2(n-1)/n = 1, AllGather (n-1)/n = 1/2.
        $allReduce = $results | Where-Object Operation -eq 'AllReduce'
        $allGather = $results | Where-Object Operation -eq 'AllGather'
        foreach ($size in $allReduce.Sizes) {
            $size.AlgorithmGBps | Should -BeGreaterThan 0
            [math]::Abs($size.BusGBps - $size.AlgorithmGBps) | Should -BeLessOrEqual (1e-9 * $size.AlgorithmGBps)
        }
        foreach ($size in $allGather.Sizes) {
            $size.AlgorithmGBps | Should -BeGreaterThan 0
            [math]::Abs($size.BusGBps - $size.AlgorithmGBps / 2) | Should -BeLessOrEqual (1e-9 * $size.AlgorithmGBps)
        }
        Assert-NothingLeft
    }

    It '-Session runs one rank in each session the user opened, takes the GPUs in order, and leaves the sessions open' {
        $sessions = @(New-RankSession; New-RankSession)
        try {
            $collective = @{ Session = $sessions; Operation = 'AllReduce'; MinBytes = 1KB; MaxBytes = 4KB; TimeoutSeconds = 30 }
            $result = Measure-GpuCollective @collective -ErrorAction Stop
            $result.RankCount | Should -Be 2
            @($result.Sizes).Count | Should -Be 3
            ($result.Sizes | Where-Object WrongElements -ne 0) | Should -BeNullOrEmpty
            $sessions.State | Should -Be 'Opened', 'Opened'
            $sessions.Availability | Should -Be 'Available', 'Available'
        }
        finally { $sessions | Remove-PSSession }
        Assert-NothingLeft
    }

    It 'a host that takes the connection but never answers: CollectiveHostUnreachable within -TimeoutSeconds, and every session closed' {
        # 127.0.0.2 is loopback too: a listener there completes TCP handshakes and then says nothing, like a hung sshd.
        $silent = [Net.Sockets.TcpListener]::new([Net.IPAddress]::Parse('127.0.0.2'), $Port)
        $silent.Start()
        try {
            # 20 s: the reachable host's session must open within it on a busy CI machine (a remote pwsh starts in seconds).
            $took = Measure-Command {
                $out = Measure-GpuCollective -HostName 127.0.0.1,
                    127.0.0.2 @Ssh -GpusPerHost 1 -TimeoutSeconds 20 -ErrorVariable failures -ErrorAction SilentlyContinue
            }
        }
        finally { $silent.Stop() }
        $out | Should -BeNullOrEmpty
        $failures.Count |
            Should -Be 1 -Because "only the silent host fails ($($failures | ForEach-Object { "$($_.FullyQualifiedErrorId): $_" }))"
        $failures[0].FullyQualifiedErrorId | Should -BeLike 'CollectiveHostUnreachable,*'
        $failures[0].TargetObject | Should -Be '127.0.0.2'
        $failures[0].CategoryInfo.Category | Should -Be 'ConnectionError'
        $failures[0].ErrorDetails.RecommendedAction | Should -Match 'New-PSSession -HostName 127\.0\.0\.2'
        $failures[0].Exception.Message | Should -Match '^No PowerShell session to 127\.0\.0\.2 over SSH: '
        $took.TotalSeconds | Should -BeLessThan 40 -Because 'the wait is bounded by -TimeoutSeconds 20 (plus closing what opened)'
        Assert-NothingLeft
    }

    It 'a host without the module: CollectiveModuleMissingOnHost naming the host and the folders searched' {
        $sessions = @(New-RankSession; New-RankSession)
        try {
            Invoke-Command -Session $sessions[1] -ScriptBlock { $env:PSModulePath = '/nonexistent' }
            $collective = @{ Session = $sessions; Operation = 'AllReduce'; MaxBytes = 1KB; TimeoutSeconds = 30 }
            Measure-GpuCollective @collective -ErrorVariable failures -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
            $failures.Count | Should -Be 1
            $failures[0].FullyQualifiedErrorId | Should -BeLike 'CollectiveModuleMissingOnHost,*'
            $failures[0].Exception.Message | Should -Match '/nonexistent'
            $sessions.Availability | Should -Be 'Available', 'Available'
        }
        finally { $sessions | Remove-PSSession }
        Assert-NothingLeft
    }

    It 'a rank that fails on its host: its own error comes back with the host, the other rank is stopped at once' {
        $took = Measure-Command {
            $out = Measure-GpuCollective -HostName 127.0.0.1 @Ssh -Index 0,
                7 -Operation AllReduce -MaxBytes 1KB -TimeoutSeconds 60 -ErrorVariable failures -ErrorAction SilentlyContinue
        }
        $out | Should -BeNullOrEmpty
        $remote = @($failures | Where-Object { $_.FullyQualifiedErrorId -like 'DeviceIndexNotFound,*' })
        $remote.Count | Should -Be 1 -Because "rank 1's own error comes back ($($failures.FullyQualifiedErrorId -join '; '))"
        $remote[0].OriginInfo.PSComputerName | Should -Be '127.0.0.1'
        @($failures | Where-Object { $_.FullyQualifiedErrorId -like 'CollectiveRankFailed,*' }).Count | Should -Be 1
        $stoppedEarly = 'rank 0 waits in NCCL for a rank that never comes, and is stopped rather than left to its timeout'
        $took.TotalSeconds | Should -BeLessThan 40 -Because $stoppedEarly
        Assert-NothingLeft
    }

    It 'Ctrl+C stops every rank (each aborts its communicator) and closes the sessions, also while the ranks hang in NCCL' {
        # Every collective hangs a minute in the fake NCCL: the ranks are inside NCCL when the stop comes.
        Use-RemoteFakeGpu -Setting 'FAKENCCL_STALL_MS=60000'
        $runspace = [runspacefactory]::CreateRunspace()
        $runspace.Open()
        $pipeline = [powershell]::Create()
        $pipeline.Runspace = $runspace
        try {
            $ssh = $Ssh
            [void]$pipeline.AddScript({
                    param($Manifest, $Ssh)
                    Import-Module $Manifest
                    Measure-GpuCollective -HostName 127.0.0.1 @Ssh -Operation AllReduce -MaxBytes 1KB -TimeoutSeconds 120
                }).AddArgument($ModuleManifest).AddArgument($ssh)
            $running = $pipeline.BeginInvoke()
            # Both ranks started: two remote pwsh processes, and rank 0's rendezvous long gone by (a few seconds).
            $deadline = [DateTime]::UtcNow.AddSeconds(60)
            while ([DateTime]::UtcNow -lt $deadline -and @(Get-LoginProcess).Count -lt 2) { Start-Sleep -Milliseconds 200 }
            @(Get-LoginProcess).Count | Should -BeGreaterOrEqual 2
            Start-Sleep -Seconds 8
            $running.IsCompleted | Should -BeFalse
            $took = Measure-Command { $pipeline.Stop() }
            $took.TotalSeconds | Should -BeLessThan 30 -Because 'a stop aborts the ranks and closes the sessions within bounded waits'
            $pipeline.InvocationStateInfo.State | Should -Be 'Stopped'
        }
        finally {
            $pipeline.Dispose()
            $runspace.Dispose()
        }
        Assert-NothingLeft
    }
}

Describe 'Measure-GpuCollective with two ranks in two processes over SSH on real GPUs' -Tag 'Gpu' -Skip:(-not $HasGpu -or $GpuCount -lt 2) {
    BeforeEach { if ($Why) { Set-ItResult -Skipped -Because $Why } }

    It 'two ranks over SSH to this host, one per GPU, verified, beside the one-process run of the same GPUs' {
        $sizes = @{ Operation = 'AllReduce', 'AllGather', 'ReduceScatter'; MinBytes = 8; MaxBytes = 1GB; TimeoutSeconds = 300 }
        $local = @(Measure-GpuCollective -Index 0, 1 @sizes -ErrorAction Stop)
        $sessions = @(New-RankSession; New-RankSession)
        try {
            # The login environment points at the fakes for the tests above; these ranks use the real driver and NCCL.
            Invoke-Command -Session $sessions -ScriptBlock {
                Remove-Item Env:\DLGPUTOOLS_CUDA_DRIVER_PATH, Env:\DLGPUTOOLS_NVML_PATH,
                    Env:\DLGPUTOOLS_NCCL_PATH -ErrorAction SilentlyContinue
            }
            $ranks = @(Measure-GpuCollective -Session $sessions @sizes -ErrorAction Stop)
        }
        finally { $sessions | Remove-PSSession }
        $ranks.Count | Should -Be 3
        foreach ($result in $ranks) {
            $result.RankCount | Should -Be 2
            $result.Failure | Should -BeNullOrEmpty
            ($result.Sizes | Where-Object WrongElements -ne 0) | Should -BeNullOrEmpty
            $result.Status | Should -Be 'Passed'
            $one = $local | Where-Object Operation -eq $result.Operation
            foreach ($size in $result.Sizes | Where-Object Bytes -ge 64MB) {
                $beside = $one.Sizes | Where-Object Bytes -eq $size.Bytes
                Write-Host ("    {0,-13} {1,10:N0} B  two processes over SSH {2,7:N1} GB/s bus   one process {3,7:N1} GB/s bus" -f `
                        $result.Operation, $size.Bytes, $size.BusGBps, $beside.BusGBps)
                # Across processes NCCL still uses NVLink or PCIe peer access (CUDA IPC), so the figures stay close.
                $size.BusGBps | Should -BeGreaterThan (0.5 * $beside.BusGBps)
            }
        }
        Assert-NothingLeft
    }
}
