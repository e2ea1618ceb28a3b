# The daemons the tests start as root (the remoting test's sshd, the node_exporter test's exporter), against the
# two ways they went wrong (issue 26, items 15 and 16): another local user taking the sshd over through its
# predictable folder, and daemons and their keys outliving a run stopped with SIGTERM (a CI timeout). And the
# private-folder helper everything here relies on. Loopback only; every wait is bounded.
BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
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
