# Every test in this file runs under strict mode: a misspelt variable or property fails instead of reading $null.
BeforeAll { Set-StrictMode -Version 3.0 }

BeforeDiscovery {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    $script:NoFakes = -not (Test-FakesAvailable)
}

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    Import-Module $ModuleManifest -Force
    # What AfterAll cleans up, unset until made (strict mode: AfterAll must not read a variable the setup never set).
    $script:Conf = $script:Slurmd = $script:Ctld = $script:Munge = $script:Dir = $null
    # A one-node Slurm cluster on loopback, run by root from a new private folder: munged, slurmctld and slurmd
    # (Debian's slurm-wlm), the node with two GPUs of the fakes as GRES, and the module's bin/dlgpu-healthcheck as
    # its HealthCheckProgram. Faults are injected the way every fake scenario is, through fake-gpu.conf, which the
    # health check's own process reads.
    $script:Why = if (-not $IsLinux) { 'the Slurm test runs on Linux' }
    elseif ((& id -u) -ne '0') { 'the Slurm test runs as root (slurmd runs the health check and jobs as root here)' }
    elseif (@('slurmctld', 'slurmd', 'munged', 'scontrol', 'sinfo', 'srun') |
        Where-Object { -not (Get-Command $_ -ErrorAction SilentlyContinue) }) {
        'Slurm is not installed (build.ps1 -Task Test installs slurm-wlm as root on Debian/Ubuntu)'
    }
    else { $null }
    if ($Why) { return }

    $script:Node = 'dlgpu-ci-node'
    $script:Interval = 5
    $script:Dir = New-PrivateTempDirectory -Prefix 'dlgpu-slurm-'
    $script:Conf = Join-Path $Dir 'slurm.conf'
    $script:CheckLog = Join-Path $Dir 'healthcheck.log'
    foreach ($sub in 'spool', 'state', 'log', 'dev') { New-Item -ItemType Directory -Path (Join-Path $Dir $sub) | Out-Null }

    # GRES gpu needs character devices; these have /dev/null's numbers, so nothing can reach a real device through them.
    $script:GresWhy = $null
    foreach ($i in 0, 1) {
        $out = & mknod (Join-Path $Dir "dev/nvidia$i") c 1 3 2>&1
        if ($LASTEXITCODE -ne 0) { $script:GresWhy = "mknod is not allowed here ($out), so the node has no GPU GRES" }
    }

    # PATH may list a program twice (/usr/sbin and /sbin on a merged /usr): the first is the one a shell runs.
    function Find-Program([string] $Name) { (Get-Command -Name $Name -CommandType Application | Select-Object -First 1).Source }

    function Get-FreePort {
        $listener = [System.Net.Sockets.TcpListener]::new([System.Net.IPAddress]::Loopback, 0)
        $listener.Start(); $port = $listener.LocalEndpoint.Port; $listener.Stop(); $port
    }

    # munged serves its socket only from folders everyone may pass through: others may traverse, not list (711).
    # Nothing here is secret but the key, which stays 600.
    & chmod 711 $Dir
    $key = Join-Path $Dir 'munge.key'
    [IO.File]::WriteAllBytes($key, [Security.Cryptography.RandomNumberGenerator]::GetBytes(1024))
    & chmod 600 $key
    $socket = Join-Path $Dir 'munge.sock'
    $script:Munge = Start-TestDaemon -FilePath (Find-Program munged) -LogPath (Join-Path $Dir 'log/munged.err') -ArgumentList @(
        '--foreground', "--key-file=$key", "--socket=$socket", "--pid-file=$(Join-Path $Dir 'munged.pid')",
        "--log-file=$(Join-Path $Dir 'log/munged.log')", "--seed-file=$(Join-Path $Dir 'munge.seed')")
    for ($try = 0; $try -lt 50 -and -not (Test-Path $socket); $try++) { Start-Sleep -Milliseconds 100 }

    # slurmd runs the health check with only SLURMD_NODENAME set: the check's settings come from its file, which
    # must belong to root and be writable by root alone. This wrapper is what an admin would write to keep the
    # file elsewhere than /etc/dlgputools; it also keeps each run's output for the tests.
    $pwsh = @(Get-PwshCommand)
    $script:CheckConf = Join-Path $Dir 'healthcheck.conf'
    $checkConf = $CheckConf
    Set-Content -LiteralPath $checkConf -Value @(
        "DLGPU_PWSH=$($pwsh -join ' ')", 'DLGPU_LEVEL=Quick', "SLURM_CONF=$Conf",
        "DLGPUTOOLS_CUDA_DRIVER_PATH=$(Join-Path $FakesPath 'libfakecuda.so.1')",
        "DLGPUTOOLS_NVML_PATH=$(Join-Path $FakesPath 'libfakenvml.so.1')")
    & chmod 644 $checkConf
    $program = Join-Path (Split-Path $ModuleManifest) 'bin/dlgpu-healthcheck'
    $script:Wrapper = Join-Path $Dir 'healthcheck'
    Set-Content -LiteralPath $Wrapper -Value @('#!/bin/sh', "DLGPU_HEALTHCHECK_CONF='$checkConf' '$program' >>'$CheckLog' 2>&1")
    & chmod 755 $Wrapper

    $gres = if ($GresWhy) { '' } else { ' Gres=gpu:2' }
    Set-Content -LiteralPath $Conf -Value @(
        'ClusterName=dlgpuci', 'SlurmctldHost=localhost(127.0.0.1)', "SlurmctldPort=$(Get-FreePort)", "SlurmdPort=$(Get-FreePort)",
        'AuthType=auth/munge', "AuthInfo=socket=$socket", 'CredType=cred/munge', 'SlurmUser=root', 'SlurmdUser=root',
        "StateSaveLocation=$(Join-Path $Dir 'state')", "SlurmdSpoolDir=$(Join-Path $Dir 'spool')",
        "SlurmctldPidFile=$(Join-Path $Dir 'slurmctld.pid')", "SlurmdPidFile=$(Join-Path $Dir 'slurmd.pid')",
        "SlurmctldLogFile=$(Join-Path $Dir 'log/slurmctld.log')", "SlurmdLogFile=$(Join-Path $Dir 'log/slurmd.log')",
        'ProctrackType=proctrack/linuxproc', 'TaskPlugin=task/none', 'SelectType=select/cons_tres', 'SelectTypeParameters=CR_Core',
        'GresTypes=gpu', 'ReturnToService=2', 'MpiDefault=none', 'JobCompType=jobcomp/none',
            'AccountingStorageType=accounting_storage/none',
        "HealthCheckProgram=$Wrapper", "HealthCheckInterval=$Interval", 'HealthCheckNodeState=ANY',
        ("NodeName=$Node NodeHostname=$([Environment]::MachineName) NodeAddr=127.0.0.1 CPUs=$([Environment]::ProcessorCount) " +
            "RealMemory=500$gres State=UNKNOWN"),
        'PartitionName=ci Nodes=ALL Default=YES MaxTime=INFINITE State=UP')
    if (-not $GresWhy) {
        Set-Content -LiteralPath (Join-Path $Dir 'gres.conf') -Value "NodeName=$Node Name=gpu File=$(Join-Path $Dir 'dev/nvidia')[0-1]"
    }

    # Healthy fakes before the daemons start, so the first check (at slurmd's start) passes.
    Use-FakeGpu
    $env:SLURM_CONF = $Conf
    $script:Ctld = Start-TestDaemon -FilePath (Find-Program slurmctld) -ArgumentList '-D', '-i', '-f',
        $Conf -LogPath (Join-Path $Dir 'log/slurmctld.err')
    Start-Sleep -Milliseconds 500
    $script:Slurmd = Start-TestDaemon -FilePath (Find-Program slurmd) -ArgumentList '-D', '-N', $Node, '-f',
        $Conf -LogPath (Join-Path $Dir 'log/slurmd.err')

    function Get-NodeStatus {
        $line = & sinfo -h -N -n $Node -o '%T|%E' 2>$null | Select-Object -First 1
        if (-not $line) { return $null }
        $state, $reason = "$line" -split '\|', 2
        [pscustomobject]@{ State = $state; Reason = $reason }
    }

    function Wait-NodeStatus([scriptblock] $Until, [int] $Seconds) {
        # Polls sinfo until $Until holds for the node's status; returns the last status and the seconds taken.
        $clock = [Diagnostics.Stopwatch]::StartNew()
        do {
            $status = Get-NodeStatus
            if ($status -and (& $Until $status)) { break }
            Start-Sleep -Milliseconds 250
        } while ($clock.Elapsed.TotalSeconds -lt $Seconds)
        [pscustomobject]@{
            Status = $status; Seconds = [Math]::Round($clock.Elapsed.TotalSeconds, 1); Met = [bool]($status -and (& $Until $status))
        }
    }

    # Each run of the check prints one verdict line.
    function Get-CheckRunCount {
        if (Test-Path $CheckLog) {
            @(Get-Content -LiteralPath $CheckLog | Where-Object { $_ -match '^(HEALTHY|DEGRADED|UNHEALTHY)' }).Count
        } else { 0 }
    }

    $script:Up = Wait-NodeStatus -Until { $args[0].State -match '^(idle|mixed|allocated)$' } -Seconds 60
}

AfterAll {
    if ($script:Conf -and (Test-Path $script:Conf)) { & scontrol -f $script:Conf shutdown 2>$null | Out-Null }
    foreach ($daemon in $script:Slurmd, $script:Ctld, $script:Munge) { Stop-TestDaemon $daemon }
    Remove-Item Env:\SLURM_CONF -ErrorAction SilentlyContinue
    if ($script:Dir) { Remove-Item -LiteralPath $script:Dir -Recurse -Force -ErrorAction SilentlyContinue }
    Clear-FakeGpu
}

Describe 'bin/dlgpu-healthcheck as the HealthCheckProgram of real Slurm daemons' -Skip:$NoFakes {
    BeforeEach {
        if ($Why) { Set-ItResult -Skipped -Because $Why }
        elseif (-not $Up.Met) {
            $logs = Get-ChildItem (Join-Path $Dir 'log') -File | ForEach-Object { "== $($_.Name)"; Get-Content $_.FullName -Tail 15 }
            throw "The one-node cluster did not come up within 60 s (node status: $($Up.Status)).`n$($logs -join "`n")"
        }
    }

    It 'drains the node with our reason, naming the GPU and the check, within one interval of a fault' {
        Use-FakeGpu -Setting 'FAKENVML_ECC_UNCORRECTED=1'
        $runs = Get-CheckRunCount
        $drained = Wait-NodeStatus -Until { $args[0].State -like 'drain*' } -Seconds (3 * $Interval + 20)
        $checkOutput = Get-Content $CheckLog -Tail 5 -ErrorAction SilentlyContinue
        $drained.Met | Should -BeTrue -Because "the node should be drained (status: $($drained.Status); health check output: $checkOutput)"
        $drained.Status.Reason | Should -Match '^dlgpu: GPU 0: ECC errors: 1 uncorrectable'
        # The run that drained the node writes its line as it exits, a moment after scontrol took the change.
        $line = "UNHEALTHY (ResetGpu): $($drained.Status.Reason -replace '^dlgpu: ') [slurm: Drained]"
        for ($try = 0; $try -lt 120 -and (Get-Content $CheckLog) -notcontains $line; $try++) { Start-Sleep -Milliseconds 250 }
        Get-Content $CheckLog | Should -Contain $line
        # One interval, plus the run that may already be under way and the check's own start-up.
        $drained.Seconds | Should -BeLessOrEqual (2 * $Interval + 20)
        (Get-CheckRunCount) | Should -BeGreaterThan $runs
        # sinfo -R, as an admin reads it (a client may time out while slurmctld is busy: asked again for a few seconds).
        $listed = $null
        for ($try = 0; $try -lt 20 -and -not $listed; $try++) {
            $listed = & sinfo -R -h -o '%E|%N' 2>$null; if (-not $listed) { Start-Sleep -Milliseconds 500 }
        }
        $listed | Should -Contain "$($drained.Status.Reason)|$Node"
        Write-Host "    drained $($drained.Seconds) s after the fault: $($drained.Status.Reason)"
    }

    It 'resumes the node it drained once the fault is cleared' {
        Use-FakeGpu
        $back = Wait-NodeStatus -Until { $args[0].State -eq 'idle' } -Seconds (3 * $Interval + 20)
        $back.Met | Should -BeTrue -Because "the node should be idle again (status: $($back.Status))"
        Write-Host "    idle again $($back.Seconds) s after the fault was cleared"
    }

    It 'drains a node that has fewer GPUs than its GRES, as after a GPU falls off the bus' {
        if ($GresWhy) { Set-ItResult -Skipped -Because $GresWhy; return }
        Use-FakeGpu -Setting 'FAKECUDA_DEVICES=1'
        try {
            $drained = Wait-NodeStatus -Until { $args[0].State -like 'drain*' } -Seconds (3 * $Interval + 20)
            $drained.Met | Should -BeTrue -Because "the node should be drained (status: $($drained.Status))"
            $drained.Status.Reason | Should -Match '^dlgpu: GPU count: 1 GPU\(s\) where 2 were expected'
        }
        finally { Use-FakeGpu }
        (Wait-NodeStatus -Until { $args[0].State -eq 'idle' } -Seconds (3 * $Interval + 20)).Met | Should -BeTrue
    }

    It 'leaves an admin''s drain alone, healthy or not' {
        & scontrol update "NodeName=$Node" State=DRAIN 'Reason=maintenance: new PSU' | Out-Null
        $LASTEXITCODE | Should -Be 0
        try {
            foreach ($fault in @(@(), @('FAKENVML_ECC_UNCORRECTED=1'))) {
                Use-FakeGpu -Setting $fault
                $runs = Get-CheckRunCount
                $clock = [Diagnostics.Stopwatch]::StartNew()
                while ((Get-CheckRunCount) -lt $runs + 2 -and $clock.Elapsed.TotalSeconds -lt 6 * $Interval + 60) {
                    Start-Sleep -Milliseconds 250
                }
                (Get-CheckRunCount) | Should -BeGreaterOrEqual ($runs + 2) -Because 'the health check should have run twice meanwhile'
                $status = Get-NodeStatus
                $status.State | Should -BeLike 'drain*'
                $status.Reason | Should -Be 'maintenance: new PSU'
            }
            Get-Content $CheckLog -Tail 1 | Should -Match '^UNHEALTHY .*\[slurm: LeftDrainedByOthers\]$'

            # A check that cannot even start drains with our reason, but never over a drain that is there already.
            $good = Get-Content -LiteralPath $CheckConf
            try {
                Add-Content -LiteralPath $CheckConf -Value 'not a setting'
                $clock = [Diagnostics.Stopwatch]::StartNew()
                while (-not (Select-String -LiteralPath $CheckLog -Pattern 'not a NAME=VALUE line' -Quiet) -and
                    $clock.Elapsed.TotalSeconds -lt 4 * $Interval + 30) { Start-Sleep -Milliseconds 250 }
                Select-String -LiteralPath $CheckLog -Pattern 'not a NAME=VALUE line' -Quiet | Should -BeTrue
                (Get-NodeStatus).Reason | Should -Be 'maintenance: new PSU'
            }
            finally {
                Set-Content -LiteralPath $CheckConf -Value $good
            }
        }
        finally {
            Use-FakeGpu
            & scontrol update "NodeName=$Node" State=RESUME | Out-Null
        }
    }

    It 'gives a job with --gres=gpu:1 exactly its allocated GPU, as Get-CudaDevice sees it' {
        if ($GresWhy) { Set-ItResult -Skipped -Because $GresWhy; return }
        (Wait-NodeStatus -Until { $args[0].State -eq 'idle' } -Seconds 30).Met | Should -BeTrue
        $pwsh = @(Get-PwshCommand)
        $ask = 'Import-Module ''{0}''; $d = @(Get-CudaDevice); "$env:CUDA_VISIBLE_DEVICES|$($d.Count)|$($d.Uuid -join '','')"' -f
            $ModuleManifest
        $environment = "DLGPUTOOLS_CUDA_DRIVER_PATH=$(Join-Path $FakesPath 'libfakecuda.so.1')," +
            "DLGPUTOOLS_NVML_PATH=$(Join-Path $FakesPath 'libfakenvml.so.1')"
        $all = Invoke-BoundedPwsh -Script '(Get-CudaDevice).Uuid -join ","' -WorkingDirectory $Dir -Seconds 120 -Environment @{
            DLGPUTOOLS_CUDA_DRIVER_PATH = (Join-Path $FakesPath 'libfakecuda.so.1')
            DLGPUTOOLS_NVML_PATH = (Join-Path $FakesPath 'libfakenvml.so.1') }
        $all.TimedOut | Should -BeFalse -Because "Get-CudaDevice outside Slurm should answer: $($all.Output)"
        $uuids = $all.Output.Trim() -split ','
        $uuids.Count | Should -Be 2 -Because "outside Slurm both fake GPUs show: $($all.Output)"

        # A first job holds one GPU; a second gets the other, and sees it alone, under its own UUID.
        $holder = Start-Process -FilePath (Find-Program srun) -ArgumentList '--gres=gpu:1', '-J', 'holder', 'sleep',
            '60' -PassThru -RedirectStandardError (Join-Path $Dir 'holder.err')
        try {
            $clock = [Diagnostics.Stopwatch]::StartNew()
            while (-not (& squeue -h -n holder -t R -o '%i') -and $clock.Elapsed.TotalSeconds -lt 30) { Start-Sleep -Milliseconds 250 }
            & squeue -h -n holder -t R -o '%i' | Should -Not -BeNullOrEmpty
            Write-Host "    the first job runs after $([Math]::Round($clock.Elapsed.TotalSeconds, 1)) s"
            $clock.Restart()
            $seen = & srun --gres=gpu:1 "--export=ALL,$environment" -D $Dir @pwsh -NoProfile -NonInteractive -Command $ask 2>&1
            $LASTEXITCODE | Should -Be 0 -Because "srun should run the job: $seen"
            $visible, $count, $uuid = "$($seen | Select-Object -Last 1)" -split '\|'
            $count | Should -Be '1'
            $visible | Should -BeIn @('0', '1')
            $uuid | Should -Be $uuids[[int]$visible]
            $tookSeconds = [Math]::Round($clock.Elapsed.TotalSeconds, 1)
            Write-Host "    the second job got CUDA_VISIBLE_DEVICES=$visible and saw one GPU, $uuid ($tookSeconds s)"
        }
        finally {
            & scancel -n holder 2>$null
            Stop-Process -Id $holder.Id -Force -ErrorAction SilentlyContinue
        }
    }
}

Describe 'bin/dlgpu-healthcheck refuses a settings file others can write' -Skip:$NoFakes {
    It 'stops with exit code 2 and says why, without reading the file' {
        if ($Why) { Set-ItResult -Skipped -Because $Why; return }
        $program = Join-Path (Split-Path $ModuleManifest) 'bin/dlgpu-healthcheck'
        $bad = Join-Path $Dir 'writable.conf'
        Set-Content -LiteralPath $bad -Value 'DLGPU_PWSH=/bin/false'
        & chmod 666 $bad
        $out = & env -i "DLGPU_HEALTHCHECK_CONF=$bad" $program 2>&1
        $LASTEXITCODE | Should -Be 2
        "$out" | Should -Match 'writable by root alone'
    }
}
