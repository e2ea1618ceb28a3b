<#
.SYNOPSIS
    Writes the native bindings' stubs (Interop/Bindings/*.g.cs) from their declaration tables (*.bindings).
.DESCRIPTION
    The generator is tests/DlGpuTools.Engine.Tests/NativeBindingGenerator.cs, compiled here on its own, so the
    stubs can be written before the engine builds (a new declaration needs its stub to compile). The xunit class
    NativeDeclarationTests runs the same generator and fails when a checked-in stub differs from its table.
#>
param(
    [string] $Root = (Split-Path -Parent $PSScriptRoot)
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version 3.0

$generatorSource = Join-Path $Root 'tests/DlGpuTools.Engine.Tests/NativeBindingGenerator.cs'
if (-not ('DlGpuTools.Engine.Tests.NativeBindingGenerator' -as [type])) {
    Add-Type -Path $generatorSource
}

$generator = [DlGpuTools.Engine.Tests.NativeBindingGenerator]
$folder = Join-Path $Root 'src/DlGpuTools.Engine/Interop/Bindings'
foreach ($table in Get-ChildItem -Path $folder -Filter '*.bindings') {
    $text = [System.IO.File]::ReadAllText($table.FullName)
    $stub = $generator::Generate($generator::Parse($text, $table.Name), $table.Name)
    $target = [System.IO.Path]::ChangeExtension($table.FullName, '.g.cs')
    $current = if (Test-Path -LiteralPath $target) { [System.IO.File]::ReadAllText($target) } else { $null }
    if ($current -cne $stub) {
        [System.IO.File]::WriteAllText($target, $stub, [System.Text.UTF8Encoding]::new($false))
        Write-Output "wrote $target"
    }
}
