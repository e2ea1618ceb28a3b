# The built manifest's ReleaseNotes are CHANGELOG.md's notes for this version, written by build.ps1
# (tools/ReleaseNotes.ps1); the source manifest keeps only a placeholder.

# Every test in this file runs under strict mode: a misspelt variable or property fails instead of reading $null.
BeforeAll { Set-StrictMode -Version 3.0 }

BeforeDiscovery {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    $script:NotInRepository = -not (Test-Path (Join-Path $RepoRoot 'CHANGELOG.md'))
}

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    . (Join-Path $RepoRoot 'tools/ReleaseNotes.ps1')
    $script:Changelog = Join-Path $RepoRoot 'CHANGELOG.md'
    $script:Sample = @(
        '# Changelog', '', 'Preamble.', '',
        '## [Unreleased]', '', '### Added', '- Watch-Gpu -Once.', '',
        '## [0.2.0] - 2026-12-01', '', '### Fixed', '- A crash.', '',
        '## [0.1.0] - 2026-11-26', '', '### Added', '- Get-CudaDevice.'
    )
}

Describe 'The built manifest''s release notes' {
    It 'are CHANGELOG.md''s Unreleased section and the current version''s, word for word' -Skip:$NotInRepository {
        $built = (Import-PowerShellDataFile $ModuleManifest).PrivateData.PSData.ReleaseNotes
        $version = (Import-PowerShellDataFile $ModuleManifest).ModuleVersion
        $text = (Get-Content -Raw $Changelog) -replace "`r`n", "`n"
        # Read independently of the build's parser: from the Unreleased heading to the end of this version's section.
        $start = $text.IndexOf('## [Unreleased]')
        $versionHeading = $text.IndexOf("## [$version]")
        $next = $text.IndexOf("`n## [", $versionHeading + 1)
        $expected = $(if ($next -lt 0) { $text.Substring($start) } else { $text.Substring($start, $next - $start) }).Trim()
        $built | Should -Be $expected
    }

    It 'leave the source manifest with its placeholder' -Skip:$NotInRepository {
        (Import-PowerShellDataFile (Join-Path $RepoRoot 'DlGpuTools.psd1')).PrivateData.PSData.ReleaseNotes | Should -BeNullOrEmpty
    }
}

Describe 'Get-ChangelogReleaseNotes' {
    BeforeEach {
        $script:File = Join-Path $TestDrive 'CHANGELOG.md'
    }

    It 'takes the Unreleased section and the asked version''s, not older ones' {
        Set-Content $File $Sample
        $notes = Get-ChangelogReleaseNotes -Path $File -Version '0.2.0'
        $notes | Should -Be "## [Unreleased]`n`n### Added`n- Watch-Gpu -Once.`n`n## [0.2.0] - 2026-12-01`n`n### Fixed`n- A crash."
    }

    It 'leaves out an Unreleased section without entries' {
        Set-Content $File ($Sample[0..5] + $Sample[9..($Sample.Count - 1)])
        Get-ChangelogReleaseNotes -Path $File -Version '0.2.0' | Should -Be "## [0.2.0] - 2026-12-01`n`n### Fixed`n- A crash."
    }

    It 'refuses a version the changelog has no section for' {
        Set-Content $File $Sample
        { Get-ChangelogReleaseNotes -Path $File -Version '0.3.0' } | Should -Throw '*no ''## `[0.3.0`]'' section*'
    }
}

Describe 'Set-ManifestReleaseNotes' {
    It 'fills a copy of the source manifest so that it still parses and reads back the notes' {
        $manifest = Join-Path $TestDrive 'DlGpuTools.psd1'
        Copy-Item (Join-Path $RepoRoot 'DlGpuTools.psd1') $manifest
        $version = (Import-PowerShellDataFile $manifest).ModuleVersion
        $log = Join-Path $TestDrive 'CHANGELOG.md'
        Set-Content $log @('# Changelog', '', "## [$version] - 2026-11-26", '', '### Added', "- It's here: Get-CudaDevice.")
        Set-ManifestReleaseNotes -ManifestPath $manifest -ChangelogPath $log
        (Import-PowerShellDataFile $manifest).PrivateData.PSData.ReleaseNotes |
            Should -Be "## [$version] - 2026-11-26`n`n### Added`n- It's here: Get-CudaDevice."
        # Run again on the filled manifest: the here-string is replaced, not doubled.
        Set-ManifestReleaseNotes -ManifestPath $manifest -ChangelogPath $log
        @(Select-String -Path $manifest -Pattern '^\s*ReleaseNotes\s*=').Count | Should -Be 1
    }

    It 'fails on a manifest without a ReleaseNotes entry' {
        $manifest = Join-Path $TestDrive 'Other.psd1'
        Set-Content $manifest "@{ ModuleVersion = '0.1.0'; PrivateData = @{ PSData = @{} } }"
        Set-Content (Join-Path $TestDrive 'CHANGELOG.md') @('## [0.1.0]', '- x')
        { Set-ManifestReleaseNotes -ManifestPath $manifest -ChangelogPath (Join-Path $TestDrive 'CHANGELOG.md') } |
            Should -Throw '*no ReleaseNotes entry*'
    }
}
