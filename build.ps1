<#
.SYNOPSIS
    Builds, tests, demonstrates and bundles the DlGpuTools module.
.DESCRIPTION
    Needs only the .NET SDK: run it with the repository's local PowerShell tool,
        dotnet tool restore; dotnet pwsh -NoProfile -File ./build.ps1 -Task Test
    Tasks:
      Build   compile, lay out the importable module in out/DlGpuTools, generate MAML help
      Fakes   compile the fake CUDA driver and NVML (gcc) that let tests run without a GPU
      Lint    check the repository's PowerShell (tools/Test-ScriptStyle.ps1: approved verbs, no aliases, strict mode,
              no unused parameters or variables, no Write-Host in functions that return data); fails on a finding
      Test    Lint + Build + Fakes + Package, then xunit (engine) and Pester (cmdlets, in a child pwsh); GPU-tagged
              tests skip without a GPU; -Backend Gpu runs only the Pester scenarios and GPU-tagged tests, on this
              machine's GPU (installs Debian's prometheus-node-exporter first when missing and root on
              Debian/Ubuntu: tools/Install-TestPrerequisites.ps1)
      Demo    Build, then show what the module says about this machine (needs no C compiler: with gcc it also
              shows the views against the fake driver, labelled SIMULATED)
      Package Build, then out/DlGpuTools.<version>.nupkg, which Install-PSResource and Install-Module install
              from a folder repository
      Shell   Build, then an interactive pwsh with the built module imported
      Bundle  Build + Fakes, then a portable Linux x64 .tar.xz with the .NET runtime, pwsh and the module
      Clean   remove out/ and build outputs
#>
[CmdletBinding()]
param(
    [ValidateSet('Build', 'Fakes', 'Lint', 'Test', 'Demo', 'Package', 'Shell', 'Bundle', 'Clean')]
    [string[]] $Task = @('Build'),

    [ValidateSet('Debug', 'Release')]
    [string] $Configuration = 'Release',

    # Pester tags to run; default all (GPU-tagged tests skip by themselves where there is no GPU).
    [string[]] $Tag,

    # What the Pester scenarios (tag Scenario) run against: the fakes, then the GPU where there is one (Fake), or
    # only this machine's GPU with the Gpu-tagged tests (Gpu); see tests/Invoke-Tests.ps1.
    [ValidateSet('Fake', 'Gpu')]
    [string] $Backend = 'Fake'
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version 3.0

$Root = $PSScriptRoot
$Out = Join-Path $Root 'out'
$ModuleOut = Join-Path $Out 'DlGpuTools'
$FakesOut = Join-Path $Out 'fakes'
$PesterVersion = '6.2.0'
. (Join-Path $Root 'tools/ReleaseNotes.ps1')

function Invoke-Native {
    param([string] $FilePath, [string[]] $Arguments)
    & $FilePath @Arguments
    if ($LASTEXITCODE -ne 0) { throw "$FilePath $($Arguments -join ' ') failed with exit code $LASTEXITCODE" }
}

function Get-PwshPath {
    # The pwsh running this script (the local dotnet tool's), so child processes use the same version.
    $process = [System.Diagnostics.Process]::GetCurrentProcess().MainModule.FileName
    if ((Split-Path $process -Leaf) -match '^dotnet(\.exe)?$') {
        # Started as "dotnet pwsh": the host is dotnet and pwsh.dll is the entry assembly.
        return @($process, [System.Reflection.Assembly]::GetEntryAssembly().Location)
    }
    return @($process)
}

function Get-PesterManifest {
    $packages = if ($env:NUGET_PACKAGES) { $env:NUGET_PACKAGES } else {
        Join-Path ([Environment]::GetFolderPath('UserProfile')) '.nuget/packages'
    }
    $manifest = Join-Path $packages "pester/$PesterVersion/tools/Pester.psd1"
    if (-not (Test-Path $manifest)) {
        Write-Information "Restoring Pester $PesterVersion from the NuGet registry..." -InformationAction Continue
        Invoke-Native dotnet @('restore', (Join-Path $Root 'tools/RestoreTools.proj'), '--verbosity', 'quiet')
    }
    if (-not (Test-Path $manifest)) { throw "Pester $PesterVersion was not found at $manifest after restore." }
    return $manifest
}

function Invoke-Build {
    Write-Host "== Build ($Configuration)"
    Invoke-Native dotnet @('build', (Join-Path $Root 'src/DlGpuTools/DlGpuTools.csproj'), '-c', $Configuration, '--nologo', '-v',
        'quiet', '-clp:NoSummary')
    if (Test-Path $ModuleOut) { Remove-Item $ModuleOut -Recurse -Force }
    New-Item -ItemType Directory -Path (Join-Path $ModuleOut 'en-US') -Force | Out-Null
    $bin = Join-Path $Root "src/DlGpuTools/bin/$Configuration/netstandard2.0"
    Copy-Item (Join-Path $bin 'DlGpuTools.dll'), (Join-Path $bin 'DlGpuTools.Engine.dll') $ModuleOut
    Copy-Item (Join-Path $Root 'DlGpuTools.psd1') $ModuleOut
    # The built manifest's release notes come from CHANGELOG.md, the one place they are written.
    Set-ManifestReleaseNotes -ManifestPath (Join-Path $ModuleOut 'DlGpuTools.psd1') -ChangelogPath (Join-Path $Root 'CHANGELOG.md')
    Copy-Item (Join-Path $Root 'module/*.ps1xml') $ModuleOut
    Copy-Item (Join-Path $Root 'module/en-US/*') (Join-Path $ModuleOut 'en-US')
    Get-ChildItem (Join-Path $Root 'module') -Directory | Where-Object Name -ne 'en-US' | Copy-Item -Destination $ModuleOut -Recurse

    # MAML help from docs/*.md, with syntax and parameter metadata read from the built cmdlets (child process:
    # a loaded binary module cannot be unloaded, and the build must not hold it).
    $pwsh = @(Get-PwshPath)
    $helpArgs = @('-NoProfile', '-NonInteractive', '-File', (Join-Path $Root 'tools/New-MamlHelp.ps1'),
        '-ModulePath', (Join-Path $ModuleOut 'DlGpuTools.psd1'), '-DocsPath', (Join-Path $Root 'docs'),
        '-OutFile', (Join-Path $ModuleOut 'en-US/DlGpuTools.dll-Help.xml'))
    Invoke-Native $pwsh[0] (@($pwsh | Select-Object -Skip 1) + $helpArgs)
    Write-Host "Module laid out in $ModuleOut"
}

function Invoke-Fakes {
    Write-Host '== Fakes (gcc)'
    $gcc = Get-Command gcc -ErrorAction SilentlyContinue
    if (-not $gcc) { throw 'gcc is needed to build the fake CUDA driver and NVML used by the tests (apt-get install gcc).' }
    New-Item -ItemType Directory -Path $FakesOut -Force | Out-Null
    $src = Join-Path $Root 'tests/fakes'
    # Sonames differ from the real libraries' so a fake loaded by path can never answer for a later
    # dlopen("libcuda.so.1") of the real driver in the same process.
    $flags = @('-shared', '-fPIC', '-O1', '-D_GNU_SOURCE', '-Wall', '-Wextra', '-Werror')
    Invoke-Native gcc ($flags +
        @('-pthread', '-Wl,-soname,libfakecuda.so.1', '-o', (Join-Path $FakesOut 'libfakecuda.so.1'),
            (Join-Path $src 'fakecuda.c'), '-ldl'))
    Invoke-Native gcc ($flags +
        @('-pthread', '-DFAKE_OLD_DRIVER', '-Wl,-soname,libfakecuda-old.so.1', '-o', (Join-Path $FakesOut 'libfakecuda-old.so.1'),
            (Join-Path $src 'fakecuda.c'), '-ldl'))
    Invoke-Native gcc ($flags +
        @('-Wl,-soname,libfakenvml.so.1', '-o', (Join-Path $FakesOut 'libfakenvml.so.1'), (Join-Path $src 'fakenvml.c'), '-ldl'))
    Invoke-Native gcc ($flags +
        @('-O2', '-Wl,-soname,libfakecublasLt.so.13', '-o', (Join-Path $FakesOut 'libfakecublasLt.so.13'),
            (Join-Path $src 'fakecublaslt.c'), '-ldl', '-lm'))
    Invoke-Native gcc ($flags +
        @('-Wl,-soname,libfakecudart.so.13', '-o', (Join-Path $FakesOut 'libcudart.so.13'), (Join-Path $src 'fakecudart.c'), '-ldl'))
    Invoke-Native gcc ($flags +
        @('-O2', '-Wl,-soname,libfakecublas.so.13', '-o', (Join-Path $FakesOut 'libcublas.so.13'), (Join-Path $src 'fakecublas.c'), '-ldl'))
    # Real file names (the checks look for them) but fake sonames, so a fake loaded by path never answers a
    # later dlopen of the real library by name in the same process.
    # cuDNN: a complete install in cudnn/, and a main library without its sub-libraries in cudnn-bare/.
    foreach ($folder in 'cudnn', 'cudnn-bare') {
        New-Item -ItemType Directory -Path (Join-Path $FakesOut $folder) -Force | Out-Null
        Invoke-Native gcc ($flags +
            @('-O2', '-Wl,-soname,libfakecudnn.so.9', '-o', (Join-Path $FakesOut "$folder/libcudnn.so.9"),
                (Join-Path $src 'fakecudnn.c'), '-ldl'))
    }
    foreach ($sub in 'graph', 'engines_precompiled', 'engines_runtime_compiled', 'heuristic', 'ops', 'cnn', 'adv') {
        Invoke-Native gcc ($flags +
            @("-Wl,-soname,libfakecudnn_$sub.so.9", '-o', (Join-Path $FakesOut "cudnn/libcudnn_$sub.so.9"),
                (Join-Path $src 'fakesublib.c')))
    }

    # CPU BLAS fakes under blas/, in folders named for the variant, with the real file names the probe looks for.
    foreach ($variant in @(
            @{ Folder = 'openblas'; File = 'libopenblas.so.0'; Define = @() },
            @{ Folder = 'nosbgemm'; File = 'libopenblas.so.0'; Define = @('-DFAKE_NO_SBGEMM') },
            @{ Folder = 'scipy64'; File = 'libscipy_openblas64_-fake.so'; Define = @('-DFAKE_SCIPY64') },
            @{ Folder = 'reference'; File = 'libblas.so.3'; Define = @('-DFAKE_REFERENCE') },
            @{ Folder = 'wrong'; File = 'libopenblas.so.0'; Define = @('-DFAKE_WRONG') },
            @{ Folder = 'torch'; File = 'libtorch_cpu.so'; Define = @('-DFAKE_MKL_FORTRAN') })) {
        $dir = Join-Path $FakesOut "blas/$($variant.Folder)"
        New-Item -ItemType Directory -Path $dir -Force | Out-Null
        Invoke-Native gcc ($flags + $variant.Define +
            @("-Wl,-soname,libfakeblas-$($variant.Folder).so", '-o', (Join-Path $dir $variant.File), (Join-Path $src 'fakeblas.c')))
    }

    # NCCL: linked against the fake driver above (found beside it, or one folder up for the old build), whose streams
    # and copies it uses; NCCL 2.6 without send/receive in nccl-old/.
    $ncclFlags = $flags + @('-O2', '-pthread', '-Wl,-soname,libfakenccl.so.2', '-Wl,-rpath,$ORIGIN:$ORIGIN/..')
    Invoke-Native gcc ($ncclFlags +
        @('-o', (Join-Path $FakesOut 'libnccl.so.2'), (Join-Path $src 'fakenccl.c'),
            (Join-Path $FakesOut 'libfakecuda.so.1'), '-ldl', '-lrt'))
    New-Item -ItemType Directory -Path (Join-Path $FakesOut 'nccl-old') -Force | Out-Null
    Invoke-Native gcc ($ncclFlags +
        @('-DFAKE_OLD_NCCL', '-o', (Join-Path $FakesOut 'nccl-old/libnccl.so.2'), (Join-Path $src 'fakenccl.c'),
            (Join-Path $FakesOut 'libfakecuda.so.1'), '-ldl', '-lrt'))

    # A file that is not a library at all, for the "loaded but rejected" paths.
    Set-Content -Path (Join-Path $FakesOut 'not-a-library.so.1') -Value 'not an ELF file'
}

function Invoke-Test {
    $env:DLGPUTOOLS_TEST_FAKES = $FakesOut
    Write-Host '== xunit (engine)'
    $resultsDir = Join-Path $Out 'test-results'
    Invoke-Native dotnet @('test', (Join-Path $Root 'tests/DlGpuTools.Engine.Tests/DlGpuTools.Engine.Tests.csproj'), '-c',
        $Configuration, '--nologo',
        '--logger', 'console;verbosity=minimal', '--logger', "trx;LogFileName=engine.trx", '--results-directory', $resultsDir)
    $xunit = Read-TrxSummary (Join-Path $resultsDir 'engine.trx')

    Write-Host '== Pester (cmdlets, child pwsh)'
    $pester = Invoke-PesterChild -ResultFile (Join-Path $resultsDir 'pester.xml')

    $passed = $xunit.Passed + $pester.Passed
    $failed = $xunit.Failed + $pester.Failed
    $skipped = $xunit.Skipped + $pester.Skipped
    Write-Host ''
    Write-Host ("xunit: {0} passed, {1} failed, {2} skipped; Pester: {3} passed, {4} failed, {5} skipped" -f $xunit.Passed, $xunit.Failed,
        $xunit.Skipped, $pester.Passed, $pester.Failed, $pester.Skipped)
    Write-Host ("{0} passed, {1} failed, {2} skipped" -f $passed, $failed, $skipped)
    if ($failed -gt 0 -or $passed -eq 0) { throw "$failed test(s) failed." }
}

function Read-TrxSummary([string] $Path) {
    [xml] $trx = Get-Content -Raw $Path
    $counters = $trx.TestRun.ResultSummary.Counters
    # A skipped test says why in the summary, not only in a results file nobody opens.
    foreach ($result in @($trx.TestRun.Results.UnitTestResult | Where-Object { $_.outcome -eq 'NotExecuted' })) {
        $reason = $result.Output.ErrorInfo.Message
        if (-not $reason) { $reason = $result.Output.StdOut }
        Write-Host ("  skipped: {0} -- {1}" -f $result.testName, $(if ($reason) { "$reason".Trim() } else { 'no reason given' }))
    }
    [pscustomobject]@{
        Passed = [int]$counters.passed; Failed = [int]$counters.failed + [int]$counters.error
        Skipped = [int]$counters.total - [int]$counters.executed + [int]$counters.notExecuted
    }
}

function Invoke-PesterChild([string] $ResultFile) {
    $pwsh = @(Get-PwshPath)
    $runner = Join-Path $Root 'tests/Invoke-Tests.ps1'
    $summaryFile = "$ResultFile.summary.json"
    $childArgs = @('-NoProfile', '-NonInteractive', '-File', $runner, '-PesterManifest', (Get-PesterManifest), '-ModuleRoot', $Out,
        '-TestsPath', (Join-Path $Root 'tests/Pester'), '-FakesPath', $FakesOut, '-ResultFile', $ResultFile, '-SummaryFile', $summaryFile)
    if ($Tag) { $childArgs += @('-Tag', ($Tag -join ',')) }
    $childArgs += @('-Backend', $Backend)
    if (Test-Path $summaryFile) { Remove-Item $summaryFile }
    & $pwsh[0] (@($pwsh | Select-Object -Skip 1) + $childArgs) | Out-Host
    if (-not (Test-Path $summaryFile)) { throw 'The Pester run ended without a summary: it crashed (see above).' }
    Get-Content -Raw $summaryFile | ConvertFrom-Json
}

function Invoke-Package {
    # PSResourceGet (in PowerShell 7.4+) writes the package: Publish-PSResource to a throwaway folder repository,
    # in a child process so the build's own session registers nothing.
    Write-Host '== Package'
    $pwsh = @(Get-PwshPath)
    $packageArgs = @('-NoProfile', '-NonInteractive', '-File', (Join-Path $Root 'tools/New-ModulePackage.ps1'), '-ModulePath',
        $ModuleOut, '-OutDirectory', $Out)
    Invoke-Native $pwsh[0] (@($pwsh | Select-Object -Skip 1) + $packageArgs)
}

function Invoke-Shell {
    $pwsh = @(Get-PwshPath)
    $manifest = Join-Path $ModuleOut 'DlGpuTools.psd1'
    Write-Host "Starting pwsh with $manifest imported; 'exit' returns here."
    & $pwsh[0] (@($pwsh | Select-Object -Skip 1) +
        @('-NoExit', '-NoProfile', '-Command',
            "Import-Module '$manifest'; Get-Command -Module DlGpuTools | Format-Table Name -HideTableHeaders"))
}

function Invoke-Lint {
    Write-Host '== Lint (PowerShell)'
    $findings = @(& (Join-Path $Root 'tools/Test-ScriptStyle.ps1'))
    if ($findings.Count -gt 0) {
        $findings | Format-Table Path, Line, Rule, Message -AutoSize -Wrap | Out-String -Width 200 | Write-Host
        throw "$($findings.Count) PowerShell style finding(s) (listed above); fix them or, with a reason, suppress one on its param block."
    }
}

function Test-CanBuildFakes { [bool](Get-Command gcc -ErrorAction SilentlyContinue) }

function Invoke-Demo {
    $pwsh = @(Get-PwshPath)
    $demo = Join-Path $Root 'tools/Demo.ps1'
    $demoArgs = @('-NoProfile', '-File', $demo, '-ModuleRoot', $Out, '-FakesPath', $FakesOut)
    # The child writes to this process's pipe either way; only this process knows whether a person is reading.
    if ([Console]::IsOutputRedirected) { $demoArgs += '-PlainText' }
    & $pwsh[0] (@($pwsh | Select-Object -Skip 1) + $demoArgs)
    if ($LASTEXITCODE -ne 0) { throw "The demo failed with exit code $LASTEXITCODE." }
}

function Invoke-Bundle {
    $bundle = @{ Root = $Root; ModuleOut = $ModuleOut; FakesPath = $FakesOut; PesterManifest = (Get-PesterManifest); OutDirectory = $Out }
    & (Join-Path $Root 'tools/New-Bundle.ps1') @bundle
}

foreach ($step in $Task) {
    switch ($step) {
        'Clean' {
            if (Test-Path $Out) { Remove-Item $Out -Recurse -Force }
            Invoke-Native dotnet @('clean', (Join-Path $Root 'DlGpuTools.sln'), '-v', 'quiet', '--nologo')
        }
        'Build' { Invoke-Build }
        'Fakes' { Invoke-Fakes }
        'Lint' { Invoke-Lint }
        'Test' {
            Invoke-Lint; Invoke-Build; Invoke-Fakes; & (Join-Path $Root 'tools/Install-TestPrerequisites.ps1'); Invoke-Package; Invoke-Test
        }
        'Demo' {
            Invoke-Build
            # The demo needs no compiler; with one, it also shows the views against the fake driver.
            if (Test-CanBuildFakes) { Invoke-Fakes } else {
                Write-Host 'No gcc here: the demo skips the simulated views (they need the fake driver built from tests/fakes).'
            }
            Invoke-Demo
        }
        'Package' { Invoke-Build; Invoke-Package }
        'Shell' { Invoke-Build; Invoke-Shell }
        'Bundle' { Invoke-Build; Invoke-Fakes; Invoke-Bundle }
    }
}
