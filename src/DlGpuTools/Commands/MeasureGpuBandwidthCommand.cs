using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Management.Automation;
using DlGpuTools.Bandwidth;
using DlGpuTools.Devices;
using DlGpuTools.Validation;

namespace DlGpuTools.Commands
{
    /// <summary>
    /// Measures memory and host-link bandwidth of each device with the engine's PTX kernels and copy engines,
    /// one object per device and test. A test that fails writes its error and the others still run; Ctrl+C
    /// stops between batches and frees all GPU and page-locked memory.
    /// </summary>
    [Cmdlet(VerbsDiagnostic.Measure, "GpuBandwidth")]
    [OutputType(typeof(BandwidthResult))]
    public sealed class MeasureGpuBandwidthCommand : DeviceCmdlet
    {
        private readonly List<CudaDevice> _measured = new List<CudaDevice>();
        private bool _failed;

        /// <summary>Registered test ids (nvbandwidth's where it has the same test); default all.</summary>
        [Parameter(Position = 0)]
        [ValidateRegisteredId(typeof(BandwidthTests))]
        [ArgumentCompleter(typeof(BandwidthTestCompleter))]
        public string[]? Test { get; set; }

        /// <summary>Bytes of each buffer (1GB, 256MB...); default max(1 GiB, 8 x L2) on the device, 512 MiB for host copies.</summary>
        [Parameter]
        [ValidateRange(16L, long.MaxValue)]
        public long Size { get; set; }

        [Parameter]
        [ValidateRange(1, 10000)]
        public int Iterations { get; set; } = 10;

        [Parameter]
        [ValidateRange(0, 1000)]
        public int Warmup { get; set; } = 2;

        protected override void ProcessRecord()
        {
            if (_failed) return;
            IReadOnlyList<CudaDevice>? devices = RequestedDevices();
            if (devices == null) return;

            foreach (CudaDevice device in devices)
            {
                if (StopRequested) return;
                if (_measured.Exists(d => d.Index == device.Index)) continue;
                _measured.Add(device);
                MeasureDevice(device);
            }
        }

        // Peer tests need every device of the command, so they run once all have come down the pipeline.
        protected override void EndProcessing()
        {
            if (!_failed && !NoDevices && _measured.Count > 1) MeasurePeers();
            CompleteProgress();
        }

        private void MeasureDevice(CudaDevice device)
        {
            List<IBandwidthTest> tests = BandwidthTests.Select(Test).Where(t => t.Path != BandwidthPath.Peer).ToList();
            if (tests.Count == 0) return;
            BandwidthSession session;
            try
            {
                session = BandwidthSession.Open(Runtime, device);
            }
            catch (Exception e) when (IsKnownFailure(e))
            {
                Fail(e, device.Index, stop: LibraryFailures.IsLibraryNotFound(e));
                return;
            }

            using (session)
            {
                var request = new BandwidthRequest
                {
                    Bytes = MyInvocation.BoundParameters.ContainsKey(nameof(Size)) ? (ulong?)Size : null,
                    Iterations = Iterations,
                    Warmup = Warmup,
                };
                string activity = $"Measure-GpuBandwidth: GPU {device.Index} {device.Name}";
                for (int i = 0; i < tests.Count; i++)
                {
                    if (StopRequested) return;
                    string test = tests[i].Id;
                    int done = i;
                    try
                    {
                        WriteObject(session.Run(test, request, Cancellation, p => Progress(activity, p, done, tests.Count)));
                    }
                    catch (OperationCanceledException)
                    {
                        // Ctrl+C: the session freed the test's memory; disposing it gives the context back.
                        CompleteProgress();
                        return;
                    }
                    catch (Exception e) when (IsKnownFailure(e))
                    {
                        Fail(e, $"{test} on GPU {device.Index}", stop: false);
                    }
                }
            }
        }

        private void MeasurePeers()
        {
            List<string> tests = BandwidthTests.Select(Test)
                .Where(t => t.Path == BandwidthPath.Peer && t.AppliesTo(_measured.Count))
                .Select(t => t.Id)
                .ToList();
            if (tests.Count == 0) return;
            var sessions = new List<BandwidthSession>();
            try
            {
                foreach (CudaDevice device in _measured)
                {
                    try
                    {
                        sessions.Add(BandwidthSession.Open(Runtime, device));
                    }
                    catch (Exception e) when (IsKnownFailure(e))
                    {
                        Fail(e, device.Index, stop: false);
                    }
                }

                var request = new BandwidthRequest
                {
                    Bytes = MyInvocation.BoundParameters.ContainsKey(nameof(Size)) ? (ulong?)Size : null,
                    Iterations = Iterations,
                    Warmup = Warmup,
                };
                var pairs = (from a in sessions from b in sessions where a != b select (a, b)).ToArray();
                int total = pairs.Length * tests.Count, done = 0;
                foreach ((BandwidthSession from, BandwidthSession to) in pairs)
                {
                    string activity = $"Measure-GpuBandwidth: GPU {from.Device.Index} -> GPU {to.Device.Index}";
                    foreach (string test in tests)
                    {
                        if (StopRequested) return;
                        int before = done++;
                        try
                        {
                            WriteObject(from.RunPeer(test, to, request, Cancellation, p => Progress(activity, p, before, total)));
                        }
                        catch (OperationCanceledException)
                        {
                            CompleteProgress();
                            return;
                        }
                        catch (Exception e) when (IsKnownFailure(e))
                        {
                            Fail(e, $"{test} GPU {from.Device.Index} -> GPU {to.Device.Index}", stop: false);
                        }
                    }
                }
            }
            finally
            {
                foreach (BandwidthSession session in sessions) session.Dispose();
            }
        }

        private void Fail(Exception e, object target, bool stop)
        {
            CompleteProgress();
            if (stop)
            {
                _failed = true;
                ThrowFailure(e, target);
            }

            WriteFailure(e, target);
        }

        private void Progress(string activity, BandwidthProgress p, int testsDone, int tests)
        {
            double within = p.Total > 0 ? (double)p.Done / p.Total : 0;
            ReportProgress(activity, p.Phase, (int)(100 * (testsDone + within) / Math.Max(1, tests)));
        }

    }
}
