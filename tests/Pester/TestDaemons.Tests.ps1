# The daemons the tests start as root (the remoting test's sshd, the node_exporter test's exporter), against the
# two ways they went wrong (issue 26, items 15 and 16): another local user taking the sshd over through its
# predictable folder, and daemons and their keys outliving a run stopped with SIGTERM (a CI timeout). And the
# private-folder helper everything here relies on. Loopback only; every wait is bounded.
BeforeDiscovery {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    $isRoot = $IsLinux -and (& id -u) -eq '0'
    $script:NoAttack = if (-not $IsLinux) { 'Linux only' } elseif (-not $isRoot) { 'needs root (it makes a throwaway user to attack with)' } elseif (-not (Test-FakesAvailable)) { 'the fake libraries are not built' } elseif (-not (Test-Path /usr/sbin/sshd)) { 'openssh-server is not installed' } elseif (@(Get-Command ssh, useradd, runuser -ErrorAction SilentlyContinue).Count -ne 3) { 'needs ssh, useradd and runuser' } else { $null }
}

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    $script:Pwsh = @(Get-PwshCommand)

    function Wait-Until([scriptblock] $Condition, [int] $Seconds) {
        $deadline = [DateTime]::UtcNow.AddSeconds($Seconds)
        while (-not (& $Condition)) {
            if ([DateTime]::UtcNow -gt $deadline) { return $false }
            Start-Sleep -Milliseconds 100
        }
        $true
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
        $victim = Start-Process -FilePath $Pwsh[0] -ArgumentList (@($Pwsh | Select-Object -Skip 1) + @('-NoProfile', '-NonInteractive', '-File', $victimScript)) -PassThru
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
        $attackerProcess = Start-TestDaemon -FilePath (Get-Command runuser).Source -LogPath (Join-Path $work 'attack.log') -ArgumentList @('-u', $attacker, '--', 'bash', (Join-Path $work 'attack.sh'), $victim.Id, $tmp, $work)
        try {
            Wait-Until { Test-Path (Join-Path $work 'ready') } -Seconds 30 | Should -BeTrue -Because "the attacker should be set up ($(Get-Content -Raw (Join-Path $work 'attack.log') -ErrorAction SilentlyContinue))"
            New-Item -ItemType File -Path $gate | Out-Null
            $victim.WaitForExit(240000) | Should -BeTrue -Because 'the remoting test should end'
            $logins = Get-Content (Join-Path $work 'logins') -ErrorAction SilentlyContinue
            $planted = Join-Path $tmp "dlgpu-sshd-$($victim.Id)"
            $seen = Get-Content (Join-Path $work 'seen') -ErrorAction SilentlyContinue | Select-Object -Skip 1 | ForEach-Object { ($_ -split '\s+')[-1] }
            Write-Host "    attacker saw in its planted folder: $(if ($seen) { $seen -join ', ' } else { 'nothing' }); its logins: $(if ($logins) { $logins } else { 'none' })"
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
            Remove-Item -LiteralPath $work, (Split-Path $gate), (Join-Path $tmp "dlgpu-sshd-$($victim.Id)") -Recurse -Force -ErrorAction SilentlyContinue
        }
    }
}
