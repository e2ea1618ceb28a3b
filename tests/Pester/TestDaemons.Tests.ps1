# The daemons the tests start as root (the remoting test's sshd, the node_exporter test's exporter), against the
# two ways they went wrong (issue 26, items 15 and 16): another local user taking the sshd over through its
# predictable folder, and daemons and their keys outliving a run stopped with SIGTERM (a CI timeout). And the
# private-folder helper everything here relies on. Loopback only; every wait is bounded.

# Every test in this file runs under strict mode: a misspelt variable or property fails instead of reading $null.
BeforeAll { Set-StrictMode -Version 3.0 }

BeforeDiscovery {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    $isRoot = $IsLinux -and (& id -u) -eq '0'
    $script:NoAttack = if (-not $IsLinux) { 'Linux only' } elseif (-not $isRoot) {
        'needs root (it makes a throwaway user to attack with)'
    } elseif (-not (Test-FakesAvailable)) { 'the fake libraries are not built' } elseif (-not (Test-Path /usr/sbin/sshd)) {
        'openssh-server is not installed'
    } elseif (@(Get-Command ssh, useradd, runuser -ErrorAction SilentlyContinue).Count -ne 3) { 'needs ssh, useradd and runuser' } else {
        $null
    }
    $script:NoDaemons = if (-not $IsLinux) { 'Linux only' } elseif (-not $isRoot) {
        'needs root, as the remoting test does'
    } elseif (-not (Test-FakesAvailable)) { 'the fake libraries are not built' } elseif (-not (Test-Path /usr/sbin/sshd)) {
        'openssh-server is not installed'
    } elseif (-not (Get-Command prometheus-node-exporter -ErrorAction SilentlyContinue)) {
        'prometheus-node-exporter is not installed'
    } else { $null }
    $script:NoGuard = if (-not (Test-Path (Join-Path $RepoRoot 'tests/guarded-run.sh'))) {
        'tests/guarded-run.sh is not here (the bundle carries only tests/Pester)'
    } else { $null }
}

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    $script:Pwsh = @(Get-PwshCommand)

    function Get-ProcessInfo([int] $Id) {
        # Parent, state and start time (clock ticks since boot: with the pid, names one process across pid reuse).
        $stat = Get-Content -LiteralPath "/proc/$Id/stat" -ErrorAction SilentlyContinue
        if (-not $stat) { return $null }
        $fields = $stat.Substring($stat.LastIndexOf(')') + 2) -split ' '
        $cmdline = (Get-Content -LiteralPath "/proc/$Id/cmdline" -Raw -ErrorAction SilentlyContinue) -split "`0" | Where-Object { $_ }
        $exe = (Get-Item -LiteralPath "/proc/$Id/exe" -ErrorAction SilentlyContinue).LinkTarget
        [pscustomobject]@{
            Id = $Id; State = $fields[0]; Parent = [int]$fields[1]; Start = $fields[19]; Program = $exe; CommandLine = $cmdline -join ' '
        }
    }

    function Get-DescendantProcess([int] $Id) {
        $all = @(Get-ChildItem /proc -Directory | Where-Object Name -match '^\d+$' |
            ForEach-Object { Get-ProcessInfo ([int]$_.Name) } | Where-Object { $_ })
        $ids = [Collections.Generic.HashSet[int]]::new(); [void]$ids.Add($Id)
        do {
            $more = @($all | Where-Object { $ids.Contains($_.Parent) -and -not $ids.Contains($_.Id) })
            foreach ($p in $more) { [void]$ids.Add($p.Id) }
        } while ($more)
        $all | Where-Object { $_.Id -ne $Id -and $ids.Contains($_.Id) }
    }

    function Test-ProcessAlive($Process) {
        # Not a zombie: a killed daemon whose new parent does not reap it stays listed, dead.
        $now = Get-ProcessInfo $Process.Id
        [bool]($now -and $now.Start -eq $Process.Start -and $now.State -ne 'Z')
    }

    function Wait-Until([scriptblock] $Condition, [int] $Seconds) {
        $deadline = [DateTime]::UtcNow.AddSeconds($Seconds)
        while (-not (& $Condition)) {
            if ([DateTime]::UtcNow -gt $deadline) { return $false }
            Start-Sleep -Milliseconds 100
        }
        $true
    }

    function Get-DaemonFolder($Daemon) {
        # The folder each daemon's command line names: sshd -f <folder>/sshd_config (sshd rewrites its command line
        # but keeps that), node_exporter's textfile folder.
        if ($Daemon.CommandLine -match '-f (\S+)/sshd_config') { $Matches[1] }
        if ($Daemon.CommandLine -match '--collector\.textfile\.directory=(\S+)') { $Matches[1] }
    }

    function Invoke-StoppedDaemonRun {
        # Starts TestDaemonRun.ps1 (the tests' own daemon setup) under -Runner, waits for its daemons, sends
        # -Signal to the runner's process, and returns what was running and what is left after it ended.
        param([string[]] $Runner = @(), [string] $Signal = 'TERM')
        $work = New-PrivateTempDirectory -Prefix 'dlgpu-daemon-test-'
        $ready = Join-Path $work 'ready'
        $usersBefore = @(Get-Content /etc/passwd | Where-Object { $_ -match '^dlgpu[0-9a-f]{10}:' })
        $command = @($Runner) + $Pwsh +
            @('-NoProfile', '-NonInteractive', '-File', (Join-Path $PSScriptRoot 'TestDaemonRun.ps1'), '-ReadyFile',
                $ready, '-Seconds', '150')
        $psi = [Diagnostics.ProcessStartInfo]::new($command[0])
        foreach ($a in $command | Select-Object -Skip 1) { $psi.ArgumentList.Add($a) }
        $psi.RedirectStandardOutput = $true; $psi.RedirectStandardError = $true
        # Where the setup lists its folders and users; a runner (tests/guarded-run.sh) puts its own list there instead.
        $listFile = Join-Path $work 'cleanup'
        Set-Content -Path $listFile -Value @()
        $psi.Environment['DLGPUTOOLS_TEST_CLEANUP'] = $listFile
        $process = [Diagnostics.Process]::Start($psi)
        $stdout = $process.StandardOutput.ReadToEndAsync(); $stderr = $process.StandardError.ReadToEndAsync()
        $started = @(); $daemons = @(); $folders = @()
        try {
            $up = Wait-Until { Test-Path $ready } -Seconds 120
            $started = @(Get-DescendantProcess $process.Id)
            $daemons = @($started | Where-Object { $_.Program -match '/(sshd|prometheus-node-exporter)$' })
            $listed = @(Get-Content -LiteralPath $ready -ErrorAction SilentlyContinue | Where-Object { $_ -like 'dir *' } |
                ForEach-Object { $_.Substring(4) })
            $folders = @(@($daemons | ForEach-Object { Get-DaemonFolder $_ }) + $listed | Sort-Object -Unique)
            & kill "-$Signal" $process.Id
            $ended = $process.WaitForExit(40000)
            # The kernel's SIGKILL is immediate; the daemons' exit is not. Bounded.
            Wait-Until { -not @($daemons | Where-Object { Test-ProcessAlive $_ }) } -Seconds 5 | Out-Null
            [pscustomobject]@{
                Up      = $up
                Ended   = $ended
                Daemons = $daemons
                Alive   = @($daemons | Where-Object { Test-ProcessAlive $_ } | ForEach-Object { "$($_.Id) $($_.CommandLine)" })
                Folders = $folders
                Left    = @($folders | Where-Object { Test-Path -LiteralPath $_ })
                Users   = @(Get-Content /etc/passwd | Where-Object { $_ -match '^dlgpu[0-9a-f]{10}:' -and $_ -notin $usersBefore } |
                    ForEach-Object { ($_ -split ':')[0] })
                # A daemon that inherited the run's output keeps the pipe open: wait for it a little only.
                Output  = $(if ($stdout.Wait(2000)) { $stdout.Result } else { '(output still open)' }) +
                    $(if ($stderr.Wait(2000)) { $stderr.Result })
            }
        }
        finally {
            # Whatever outlived the run (before the fix: the daemons, their folders with the keys, the user) goes now,
            # by process id and start time, so a failing run leaves nothing on the machine.
            if (-not $process.HasExited) { $process.Kill($true) }
            foreach ($p in $started) { if (Test-ProcessAlive $p) { Stop-Process -Id $p.Id -Force -ErrorAction SilentlyContinue } }
            foreach ($u in @(Get-Content /etc/passwd | Where-Object { $_ -match '^dlgpu[0-9a-f]{10}:' -and $_ -notin $usersBefore } |
                ForEach-Object { ($_ -split ':')[0] })) { Remove-TestLoginUser $u }
            foreach ($f in $folders) { Remove-Item -LiteralPath $f -Recurse -Force -ErrorAction SilentlyContinue }
            Remove-Item -LiteralPath $work -Recurse -Force -ErrorAction SilentlyContinue
        }
    }
}

Describe 'New-PrivateTempDirectory' -Skip:(-not $IsLinux) {
    BeforeAll { $script:Made = [Collections.Generic.List[string]]::new() }
    AfterAll { foreach ($m in $Made) { Remove-Item -LiteralPath $m -Recurse -Force -ErrorAction SilentlyContinue } }

    It 'makes a new folder with a random name, mode 700, owned by this user' {
        $a = New-PrivateTempDirectory -Prefix 'dlgpu-helper-'; $Made.Add($a)
        $b = New-PrivateTempDirectory -Prefix 'dlgpu-helper-'; $Made.Add($b)
        $a | Should -Not -Be $b
        (Split-Path $a -Leaf) | Should -Match '^dlgpu-helper-[0-9a-f]{16}$'
        (Split-Path $a) | Should -Be ([IO.Path]::GetTempPath().TrimEnd('/'))
        & stat -c '%u %a %F' -- $a | Should -Be "$(& id -u) 700 directory"
    }

    It 'refuses a folder that already exists at the name and leaves it as it was' {
        $parent = New-PrivateTempDirectory -Prefix 'dlgpu-helper-'; $Made.Add($parent)
        $planted = Join-Path $parent 'planted'
        New-Item -ItemType Directory -Path $planted | Out-Null
        & chmod 777 $planted
        { New-PrivateTempDirectory -Path $planted } | Should -Throw '*must be new*'
        & stat -c '%a' -- $planted | Should -Be '777'
    }

    It 'refuses a symbolic link planted at the name, to a folder or dangling, and makes nothing through it' {
        $parent = New-PrivateTempDirectory -Prefix 'dlgpu-helper-'; $Made.Add($parent)
        $target = Join-Path $parent 'target'
        New-Item -ItemType Directory -Path $target | Out-Null
        $link = Join-Path $parent 'link'
        New-Item -ItemType SymbolicLink -Path $link -Target $target | Out-Null
        { New-PrivateTempDirectory -Path $link } | Should -Throw '*must be new*'
        $dangling = Join-Path $parent 'dangling'
        New-Item -ItemType SymbolicLink -Path $dangling -Target (Join-Path $parent 'not-yet') | Out-Null
        { New-PrivateTempDirectory -Path $dangling } | Should -Throw '*must be new*'
        Test-Path (Join-Path $parent 'not-yet') | Should -BeFalse
        @(Get-ChildItem -Force $target) | Should -BeNullOrEmpty
    }

    It 'lists the folder for the runner when DLGPUTOOLS_TEST_CLEANUP is set' {
        $parent = New-PrivateTempDirectory -Prefix 'dlgpu-helper-'; $Made.Add($parent)
        $saved = $env:DLGPUTOOLS_TEST_CLEANUP
        try {
            $env:DLGPUTOOLS_TEST_CLEANUP = Join-Path $parent 'cleanup'
            $listed = New-PrivateTempDirectory -Prefix 'dlgpu-helper-'; $Made.Add($listed)
        }
        finally { $env:DLGPUTOOLS_TEST_CLEANUP = $saved }
        Get-Content (Join-Path $parent 'cleanup') | Should -Be "dir $listed"
    }
}

Describe 'The remoting test, with another local user after its sshd' -Skip:([bool]$NoAttack) {
    It 'gives a user who planted the old predictable folder and swaps in its key no login, and puts nothing in that folder' {
        # The attack of the review: an unprivileged user makes /tmp/dlgpu-sshd-<pid of the test run> first, waits
        # for the test's sshd config and key there, replaces authorized_keys with its own key (it owns the folder)
        # and logs in as root. Here a throwaway user does that against a child process running Remoting.Tests.ps1.
        $attacker = New-TestLoginUser -HomeDirectory /nonexistent
        $work = New-PrivateTempDirectory -Prefix 'dlgpu-attacker-'
        & chown $attacker $work
        $gate = Join-Path (New-PrivateTempDirectory -Prefix 'dlgpu-attack-gate-') 'go'
        $log = Join-Path (Split-Path $gate) 'pester.log'
        $tmp = [IO.Path]::GetTempPath().TrimEnd('/')
        $pester = Join-Path (Get-Module Pester).ModuleBase 'Pester.psd1'
        $victimScript = Join-Path (Split-Path $gate) 'victim.ps1'
        Set-Content -Path $victimScript -Value @"
`$deadline = [DateTime]::UtcNow.AddSeconds(60)
while (-not (Test-Path '$gate')) { if ([DateTime]::UtcNow -gt `$deadline) { exit 2 }; Start-Sleep -Milliseconds 100 }
Import-Module '$pester'
`$r = Invoke-Pester -Path '$(Join-Path $PSScriptRoot 'Remoting.Tests.ps1')' -Output Detailed -PassThru *> '$log'
exit (`$r.FailedCount + `$r.FailedBlocksCount + `$r.FailedContainersCount)
"@
        $victim = Start-Process -FilePath $Pwsh[0] -ArgumentList (@($Pwsh | Select-Object -Skip 1) +
            @('-NoProfile', '-NonInteractive', '-File', $victimScript)) -PassThru
        $attack = @'
set -u
victim=$1 tmp=$2 work=$3
ssh-keygen -q -t ed25519 -N '' -f "$work/key" || exit 1
planted="$tmp/dlgpu-sshd-$victim"
mkdir -m 755 "$planted" || exit 1
touch "$work/ready"
end=$((SECONDS + 170))
while [ "$SECONDS" -lt "$end" ]; do
    if [ -r "$planted/sshd_config" ]; then
        ls -l "$planted" > "$work/seen"
        port=$(sed -n 's/^Port //p' "$planted/sshd_config")
        cp "$work/key.pub" "$planted/.swap" && mv -f "$planted/.swap" "$planted/authorized_keys"
        for user in root $(sed -n 's/^AllowUsers //p' "$planted/sshd_config"); do
            if out=$(ssh -F /dev/null -i "$work/key" -p "$port" -o BatchMode=yes -o IdentitiesOnly=yes -o StrictHostKeyChecking=no \
                -o UserKnownHostsFile=/dev/null -o ConnectTimeout=5 "$user@127.0.0.1" id 2>/dev/null); then
                echo "$out" >> "$work/logins"
                exit 0
            fi
        done
    fi
    sleep 0.1
done
'@
        Set-Content -Path (Join-Path $work 'attack.sh') -Value $attack
        $attackerProcess = Start-TestDaemon -FilePath (Get-Command runuser).Source -LogPath (Join-Path $work 'attack.log') -ArgumentList @(
            '-u', $attacker, '--', 'bash', (Join-Path $work 'attack.sh'), $victim.Id, $tmp, $work)
        try {
            $attackLog = Join-Path $work 'attack.log'
            Wait-Until { Test-Path (Join-Path $work 'ready') } -Seconds 30 |
                Should -BeTrue -Because "the attacker should be set up ($(Get-Content -Raw $attackLog -ErrorAction SilentlyContinue))"
            New-Item -ItemType File -Path $gate | Out-Null
            $victim.WaitForExit(240000) | Should -BeTrue -Because 'the remoting test should end'
            $logins = Get-Content (Join-Path $work 'logins') -ErrorAction SilentlyContinue
            $planted = Join-Path $tmp "dlgpu-sshd-$($victim.Id)"
            $seen = Get-Content (Join-Path $work 'seen') -ErrorAction SilentlyContinue | Select-Object -Skip 1 |
                ForEach-Object { ($_ -split '\s+')[-1] }
            $seenText = if ($seen) { $seen -join ', ' } else { 'nothing' }
            Write-Host "    attacker saw in its planted folder: $seenText; its logins: $(if ($logins) { $logins } else { 'none' })"
            $logins | Should -BeNullOrEmpty
            $seen | Should -BeNullOrEmpty -Because 'the test must not use a folder someone else made'
            # Still there, empty, as the attacker made it: the test neither used nor removed it.
            @(Get-ChildItem -Force -LiteralPath $planted).Count | Should -Be 0
            $victim.ExitCode | Should -Be 0 -Because "the remoting test should pass under the attack: $(Get-Content -Raw $log)"
        }
        finally {
            if (-not $victim.HasExited) { $victim.Kill($true) }
            Stop-TestDaemon $attackerProcess
            Remove-TestLoginUser $attacker
            Remove-Item -LiteralPath $work, (Split-Path $gate),
                (Join-Path $tmp "dlgpu-sshd-$($victim.Id)") -Recurse -Force -ErrorAction SilentlyContinue
        }
    }
}

Describe 'Test daemons do not outlive a stopped run' -Skip:([bool]$NoDaemons) {
    It 'SIGTERM to the test process takes its sshd and node_exporter with it' {
        $r = Invoke-StoppedDaemonRun -Signal TERM
        $r.Up | Should -BeTrue -Because "the daemons should start: $($r.Output)"
        ($r.Daemons.Program | ForEach-Object { Split-Path $_ -Leaf }) | Should -Contain 'sshd'
        ($r.Daemons.Program | ForEach-Object { Split-Path $_ -Leaf }) | Should -Contain 'prometheus-node-exporter'
        $r.Ended | Should -BeTrue
        # The folders stay (no process removes anything once killed): the runner's part, the next test.
        $alive = if ($r.Alive) { $r.Alive -join '; ' } else { 'no daemon left' }
        Write-Host "    after SIGTERM to the test process: $alive; folders left for the runner: $(@($r.Left).Count)"
        $r.Alive | Should -BeNullOrEmpty
    }

    It 'SIGTERM to the runner (.ci/run) also removes their private folders and the login user' -Skip:([bool]$NoGuard) {
        $r = Invoke-StoppedDaemonRun -Runner @('bash', (Join-Path $RepoRoot 'tests/guarded-run.sh')) -Signal TERM
        $r.Up | Should -BeTrue -Because "the daemons should start: $($r.Output)"
        @($r.Daemons).Count | Should -BeGreaterOrEqual 2
        $r.Ended | Should -BeTrue
        $foldersLeft = if ($r.Left) { $r.Left -join ', ' } else { 'none' }
        $usersLeft = if ($r.Users) { $r.Users -join ', ' } else { 'none' }
        Write-Host "    after SIGTERM to the runner: daemons left: $(@($r.Alive).Count), folders left: $foldersLeft, users left: $usersLeft"
        $r.Alive | Should -BeNullOrEmpty
        $r.Folders | Should -Not -BeNullOrEmpty
        $r.Left | Should -BeNullOrEmpty
        $r.Users | Should -BeNullOrEmpty
    }
}
