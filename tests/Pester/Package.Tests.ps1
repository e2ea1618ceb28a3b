# The .nupkg from build.ps1 -Task Package installs like any module: into a fresh user profile, from a folder
# repository, then imported by name in a new process.

# Every test in this file runs under strict mode: a misspelt variable or property fails instead of reading $null.
BeforeAll { Set-StrictMode -Version 3.0 }

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    $script:Package = Get-ChildItem (Join-Path $RepoRoot 'out') -Filter 'DlGpuTools.*.nupkg' -ErrorAction SilentlyContinue |
        Select-Object -First 1
}

Describe 'The module package' {
    It 'installs with Install-PSResource from a folder repository into a fresh profile and imports by name' {
        if (-not $Package) {
            Set-ItResult -Skipped -Because 'there is no out/DlGpuTools.*.nupkg here (build.ps1 -Task Package, or -Task Test, writes it)'
            return
        }
        $home2 = New-PrivateTempDirectory -Prefix 'dlgpu-home-'
        $feed = Join-Path $home2 'feed'
        New-Item -ItemType Directory $feed | Out-Null
        Copy-Item $Package.FullName $feed
        $pwsh = @(Get-PwshCommand)
        $saved = @{
            HOME = $env:HOME; XDG_DATA_HOME = $env:XDG_DATA_HOME; XDG_CONFIG_HOME = $env:XDG_CONFIG_HOME
            XDG_CACHE_HOME = $env:XDG_CACHE_HOME; PSModulePath = $env:PSModulePath
        }
        try {
            # A new user: nothing installed, no repositories registered, and no module path from this test run.
            $env:HOME = $home2
            $env:XDG_DATA_HOME = Join-Path $home2 '.local/share'
            $env:XDG_CONFIG_HOME = Join-Path $home2 '.config'
            $env:XDG_CACHE_HOME = Join-Path $home2 '.cache'
            # Made, not only named: .NET answers "" for a folder that does not exist, and PSResourceGet then writes
            # its repository list relative to the current directory (once, into this repository's root).
            foreach ($folder in $env:XDG_DATA_HOME, $env:XDG_CONFIG_HOME, $env:XDG_CACHE_HOME) {
                [void](New-Item -ItemType Directory -Path $folder -Force)
            }
            Remove-Item Env:\PSModulePath
            # PSResourceGet may keep its repository list outside HOME: a name of this run's own, removed again.
            $repo = "DlGpuToolsTest$PID"
            $install = "Register-PSResourceRepository -Name $repo -Uri '$feed' -Trusted; " +
                "try { Install-PSResource -Name DlGpuTools -Repository $repo -Scope CurrentUser -TrustRepository; " +
                "(Get-InstalledPSResource DlGpuTools).Version.ToString() } finally { Unregister-PSResourceRepository -Name $repo }"
            $installed = & $pwsh[0] (@($pwsh | Select-Object -Skip 1) + @('-NoProfile', '-NonInteractive', '-Command', $install)) 2>&1 |
                Out-String
            $use = "Import-Module DlGpuTools; `$m = Get-Module DlGpuTools; [pscustomobject]@{ Base = `$m.ModuleBase; " +
                "Version = `$m.Version.ToString(); Commands = @(`$m.ExportedCmdlets.Keys); " +
                "Card = (Get-GpuSpec -Name 'RTX 4090' | Select-Object -First 1).Name; " +
                "Help = (Get-Help Get-CudaDevice).Synopsis } | ConvertTo-Json"
            $json = & $pwsh[0] (@($pwsh | Select-Object -Skip 1) + @('-NoProfile', '-NonInteractive', '-Command', $use)) 2>&1 | Out-String
        }
        finally {
            foreach ($k in $saved.Keys) {
                if ($null -eq $saved[$k]) { Remove-Item "Env:\$k" -ErrorAction SilentlyContinue } else { Set-Item "Env:\$k" $saved[$k] }
            }
            Remove-Item $home2 -Recurse -Force -ErrorAction SilentlyContinue
        }

        $installed | Should -Match ([regex]::Escape((Import-PowerShellDataFile (Join-Path $RepoRoot 'DlGpuTools.psd1')).ModuleVersion))
        $result = $json.Substring($json.IndexOf('{')) | ConvertFrom-Json
        Write-Host "    installed to $($result.Base)"
        $result.Base | Should -BeLike "$home2*"
        $result.Commands | Should -Contain 'Get-CudaDevice'
        $result.Card | Should -Match '4090'
        $result.Help | Should -Not -BeNullOrEmpty
    }
}
