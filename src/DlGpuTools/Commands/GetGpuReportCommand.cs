using System.Collections;
using System.Management.Automation;
using DlGpuTools.Reports;

namespace DlGpuTools.Commands
{
    /// <summary>
    /// The machine's deep-learning stack in one object, or as Markdown to paste into an issue: host, driver, GPUs,
    /// CUDA libraries and their copies, Python environments and their frameworks, relevant variables.
    /// </summary>
    [Cmdlet(VerbsCommon.Get, "GpuReport")]
    [OutputType(typeof(GpuReport))]
    [OutputType(typeof(string))]
    public sealed class GetGpuReportCommand : DlGpuCmdlet
    {
        /// <summary>Markdown text instead of the object: what to paste into a bug report (the home folder shown as ~).</summary>
        [Parameter]
        public SwitchParameter AsMarkdown { get; set; }

        /// <summary>Also hide GPU UUIDs, the host name, user names and home folders, in the object and the Markdown.</summary>
        [Parameter]
        public SwitchParameter Redact { get; set; }

        protected override void EndProcessing()
        {
            GpuReport report = new GpuReportBuilder(Runtime).Build(MyInvocation.MyCommand.Module?.Version?.ToString(), PowerShellVersion());
            ReportRedactor redactor = ReportRedactor.ForThisProcess(hideIdentity: Redact);
            if (Redact) redactor.Apply(report);
            foreach (string problem in report.Problems) WriteVerbose(problem);
            if (AsMarkdown) WriteObject(GpuReportMarkdown.Render(report, redactor));
            else WriteObject(report);
        }

        private string? PowerShellVersion()
        {
            if (!(SessionState.PSVariable.GetValue("PSVersionTable") is Hashtable table)) return null;
            return $"{table["PSVersion"]} ({table["PSEdition"]})";
        }
    }
}
