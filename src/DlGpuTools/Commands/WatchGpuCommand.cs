using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Management.Automation;
using System.Text;
using DlGpuTools.Monitoring;

namespace DlGpuTools.Commands
{
    /// <summary>
    /// A live console view of the GPUs and their processes, redrawn in place every -Interval seconds with ANSI
    /// cursor control. -Plain (automatic when output is redirected or the host has no console) writes each screen
    /// as lines of text to the pipeline instead, for logs. Ends on Ctrl+C, 'q', or after -Count screens.
    /// </summary>
    [Cmdlet(VerbsCommon.Watch, "Gpu")]
    [OutputType(typeof(string))]
    public sealed class WatchGpuCommand : GpuMonitorCmdlet
    {
        private const string Escape = "\u001b[";

        [Parameter]
        [ValidateFiniteRange(0.1, 3600.0, "seconds")]
        public double Interval { get; set; } = 1.0;

        /// <summary>Screens to show before ending; 0 (the default) runs until Ctrl+C or 'q'.</summary>
        [Parameter]
        [ValidateRange(0, int.MaxValue)]
        public int Count { get; set; }

        [Parameter]
        public SwitchParameter Plain { get; set; }

        protected override void Monitor(IReadOnlyList<CudaDevice> devices)
        {
            using (GpuSampler? sampler = CreateSampler(devices))
            {
                // A sampler exists only where NVML loaded.
                if (sampler == null) return;
                GpuProcessSource processSource = GpuProcessSource.Of(sampler);
                bool live = !Plain && CanRedraw();
                var interval = TimeSpan.FromSeconds(Interval);
                Stopwatch clock = Stopwatch.StartNew();
                sampler.Start();
                if (live) Host.UI.Write(Escape + "?25l" + Escape + "2J");
                try
                {
                    for (long n = 1; Count == 0 || n <= Count; n++)
                    {
                        if (!WaitUntil(clock, TimeSpan.FromTicks(interval.Ticks * n), live ? (Func<bool>)QuitKeyPressed : null)) return;
                        IReadOnlyList<GpuSample> samples = sampler.Sample();
                        var processes = new List<GpuProcessUsage>();
                        // A GPU whose process list fails still shows its bars; the list says nothing for it.
                        foreach (MonitoredDevice device in processSource.Devices)
                            processes.AddRange(processSource.Read(device, interval + interval, out _));

                        IReadOnlyList<string> screen = WatchScreen.Render(samples, processes, Interval, live);
                        if (live) Draw(screen);
                        else
                        {
                            foreach (string line in screen) WriteObject(line);
                            WriteObject(string.Empty);
                        }
                    }
                }
                finally
                {
                    if (live) Host.UI.Write(Escape + "?25h" + Environment.NewLine);
                }
            }
        }

        private void Draw(IReadOnlyList<string> screen)
        {
            // Home, then each line followed by erase-to-end-of-line, then erase below: no flicker, no leftovers.
            var frame = new StringBuilder(Escape + "H");
            foreach (string line in screen) frame.Append(line).Append(Escape).Append('K').Append('\n');
            frame.Append(Escape).Append('J');
            Host.UI.Write(frame.ToString());
        }

        // Cursor control needs a real console on both ends: not redirected, and a host with a window.
        private bool CanRedraw()
        {
            if (Console.IsOutputRedirected) return false;
            try
            {
                return Host.UI.RawUI != null && Host.UI.RawUI.WindowSize.Width > 0;
            }
            catch (Exception e) when (e is NotImplementedException || e is NotSupportedException || e is InvalidOperationException
                || e is System.Management.Automation.Host.HostException)
            {
                return false;
            }
        }

        private static bool QuitKeyPressed()
        {
            try
            {
                if (Console.IsInputRedirected || !Console.KeyAvailable) return false;
                ConsoleKeyInfo key = Console.ReadKey(intercept: true);
                return key.KeyChar == 'q' || key.KeyChar == 'Q';
            }
            catch (InvalidOperationException)
            {
                return false; // no console input (a service, a remote session)
            }
        }
    }
}
