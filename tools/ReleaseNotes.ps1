<#
.SYNOPSIS
    CHANGELOG.md is the one place release notes are written; the build copies them into the built manifest's
    PrivateData.PSData.ReleaseNotes (build.ps1 dot-sources this file; so does tests/Pester/ReleaseNotes.Tests.ps1).
#>

Set-StrictMode -Version 3.0
function Get-ChangelogReleaseNotes {
    <#
    .SYNOPSIS
        The notes of a build of -Version: the Unreleased section (what the build has beyond the last release),
        when it has any entries, followed by the section of -Version itself, both with their headings.
    #>
    [CmdletBinding()]
    [OutputType([string])]
    param(
        [Parameter(Mandatory)] [string] $Path,
        [Parameter(Mandatory)] [string] $Version
    )

    $lines = @(Get-Content -LiteralPath $Path)
    # Keep a Changelog: a release is a level-two heading "## [version]" (a date may follow); lines above the first
    # one are the preamble.
    $sections = [ordered]@{}
    $current = $null
    foreach ($line in $lines) {
        if ($line -match '^##\s+\[([^\]]+)\]') {
            $current = $Matches[1]
            $sections[$current] = [System.Collections.Generic.List[string]]::new()
        }
        if ($null -ne $current) { $sections[$current].Add($line.TrimEnd()) }
    }

    if (-not $sections.Contains($Version)) {
        throw ("$Path has no '## [$Version]' section for the manifest's ModuleVersion ${Version}: " +
            'add one (Keep a Changelog) before building.')
    }

    $parts = @()
    if ($sections.Contains('Unreleased') -and @($sections['Unreleased'] | Where-Object { $_ -match '^\s*-\s' }).Count -gt 0) {
        $parts += , $sections['Unreleased']
    }
    $parts += , $sections[$Version]
    $text = ($parts | ForEach-Object { ($_ -join "`n").Trim() }) -join "`n`n"
    if ($text -match "(?m)^'@") { throw "A line of $Path starts with '@, which would end the manifest's here-string." }
    $text
}

function Set-ManifestReleaseNotes {
    <#
    .SYNOPSIS
        Writes CHANGELOG.md's notes for the manifest's ModuleVersion into the manifest's ReleaseNotes (a copy in
        out/, never the source manifest), and checks that the result still parses with them.
    #>
    [CmdletBinding()]
    param(
        [Parameter(Mandatory)] [string] $ManifestPath,
        [Parameter(Mandatory)] [string] $ChangelogPath
    )

    $version = (Import-PowerShellDataFile -LiteralPath $ManifestPath).ModuleVersion
    $notes = Get-ChangelogReleaseNotes -Path $ChangelogPath -Version $version
    $text = Get-Content -Raw -LiteralPath $ManifestPath
    # The entry as the source manifest has it: a placeholder string, or a here-string from an earlier edit.
    $entry = [regex]::new("(?ms)^(?<indent>[ \t]*)ReleaseNotes[ \t]*=[ \t]*(?:@'\r?\n.*?\r?\n'@|'[^'\r\n]*')")
    if (-not $entry.IsMatch($text)) { throw "$ManifestPath has no ReleaseNotes entry in PrivateData.PSData to fill." }
    $updated = $entry.Replace($text, { param($m) "$($m.Groups['indent'].Value)ReleaseNotes = @'`n$notes`n'@" }, 1)
    Set-Content -LiteralPath $ManifestPath -Value $updated -NoNewline -Encoding utf8

    $written = (Import-PowerShellDataFile -LiteralPath $ManifestPath).PrivateData.PSData.ReleaseNotes
    if ($written -ne $notes) { throw "The release notes written into $ManifestPath do not read back as written." }
}
