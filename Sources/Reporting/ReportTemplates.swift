import Mustache

/// The report's Mustache templates, built into the binary so a report needs no files beside it. Values are only
/// ever written with `{{ }}` (HTML-escaped); the only attribute values not from the log are colours and numbers.
enum ReportTemplates {
    static let library: MustacheLibrary = {
        var library = MustacheLibrary()
        for (name, text) in [
            ("page", page), ("stacked", stacked), ("lines", lines), ("bars", bars), ("table", table),
            ("section", section),
        ] {
            // The templates are constants of this file: a parse error is a programming error caught by the tests.
            try? library.register(text, named: name)
        }
        return library
    }()

    static let page = """
        <!DOCTYPE html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
        {{#live}}<meta http-equiv="refresh" content="{{refresh}}">{{/live}}
        <title>{{title}}</title>
        <style>\(css)</style>
        </head>
        <body>
        <header>
        <h1>{{title}}</h1>
        <p class="period">Period: <strong>{{since}}</strong> to <strong>{{until}}</strong>
        (entries from {{first}} to {{last}}). Made {{generatedAt}}.</p>
        {{#full}}<p class="how">Every number names the <code>promptgate log show</code> command that prints the entries
        behind it (add <code>--data</code> and the log folder; <code>--json</code> prints them as stored).</p>{{/full}}
        {{#public}}<p class="how">Counts from the city's AI gateway audit log. Counts below {{threshold}} are shown as
        "&lt; {{threshold}}"; where only one count would be hidden, the next smallest is hidden too. No user names and no
        prompt text are published.</p>{{/public}}
        </header>
        {{#verification}}
        <section id="verification" class="{{#ok}}ok{{/ok}}{{^ok}}bad{{/ok}}">
        <h2>Log verification: {{status}}</h2>
        <dl>
        <dt>Lines in the log</dt><dd data-verified-lines="{{lines}}">{{lines}}</dd>
        <dt>Signed checkpoint</dt><dd>size {{size}}</dd>
        <dt>Root hash</dt><dd><code>{{root}}</code></dd>
        <dt>Later entries not yet signed</dt><dd>{{unsigned}}</dd>
        </dl>
        {{#hasWitnesses}}<h3>Witnesses</h3><ul class="witnesses">{{#witnesses}}<li>{{.}}</li>{{/witnesses}}</ul>{{/hasWitnesses}}
        {{^hasWitnesses}}<p>No witness cosignatures.</p>{{/hasWitnesses}}
        <ul class="problems">{{#problems}}<li class="bad">{{.}}</li>{{/problems}}{{#warnings}}<li>{{.}}</li>{{/warnings}}</ul>
        <p class="filter">Reproduce with <code>promptgate verify</code></p>
        </section>
        {{/verification}}
        <section id="totals">
        {{#totalPrompts}}<p class="total">Prompts in the period: <strong data-key="prompts" data-count="{{count}}">{{shown}}</strong>
        <code class="filter">{{filter}}</code></p>{{/totalPrompts}}
        </section>
        {{#promptsByDepartment}}
        <section id="section-prompts-by-department">
        {{#chart}}<h2>{{title}}</h2>{{> stacked}}{{/chart}}
        <details><summary>Numbers</summary>
        <table class="numbers" data-chart="prompts-by-department">
        <thead><tr><th>Day and department</th><th>Prompts</th><th>Reproduce with</th></tr></thead>
        <tbody>{{#numbers}}<tr data-key="{{key}}" data-count="{{count}}"><td>{{label}}</td><td class="n">{{shown}}</td><td><code>{{filter}}</code></td></tr>{{/numbers}}</tbody>
        </table></details>
        </section>
        {{/promptsByDepartment}}
        {{#decisions}}
        <section id="section-decisions-over-time">
        {{#chart}}<h2>{{title}}</h2>{{> lines}}{{/chart}}
        <details><summary>Numbers</summary>
        <table class="numbers" data-chart="decisions-over-time">
        <thead><tr><th>Day and decision</th><th>Prompts</th><th>Reproduce with</th></tr></thead>
        <tbody>{{#numbers}}<tr data-key="{{key}}" data-count="{{count}}"><td>{{label}}</td><td class="n">{{shown}}</td><td><code>{{filter}}</code></td></tr>{{/numbers}}</tbody>
        </table></details>
        </section>
        {{/decisions}}
        {{#departmentTotals}}{{> section}}{{/departmentTotals}}
        {{#departments}}{{> section}}{{/departments}}
        {{#rules}}{{> section}}{{/rules}}
        {{#systems}}{{> section}}{{/systems}}
        {{#unregistered}}{{> section}}{{/unregistered}}
        {{#purposes}}{{> section}}{{/purposes}}
        {{#transparency}}
        <section id="section-transparency">
        <h2>The AI registry: transparency record</h2>
        {{#none}}<p>No registry was given for this page.</p>{{/none}}
        {{^none}}<table class="registry"><thead><tr><th>System</th><th>Department</th><th>Status</th><th>Purpose</th>
        <th>Risk</th><th>Impact assessment</th><th>Review by</th><th>Contact</th></tr></thead>
        <tbody>{{#rows}}<tr><td>{{name}}</td><td>{{department}}</td><td>{{status}}</td><td>{{goal}}</td><td>{{risk}}</td>
        <td>{{aia}}</td><td>{{revision}}</td><td>{{contact}}</td></tr>{{/rows}}</tbody></table>
        <p>Published by {{organization}} in the Algorithmic Transparency Standard
        (<code>promptgate registry export</code>).</p>{{/none}}
        </section>
        {{/transparency}}
        <footer><p>PromptGate report. {{entries}} entries in the period; {{linesRead}} lines read.</p></footer>
        </body>
        </html>

        """

    /// A titled section: a bar chart and its numbers, each with the command that reproduces it.
    static let section = """
        <section id="section-{{id}}">
        <h2>{{title}}</h2>
        {{#note}}<p class="note">{{note}}</p>{{/note}}
        {{#empty}}<p class="empty">None in this period.</p>{{/empty}}
        {{#chart}}{{> bars}}{{/chart}}
        {{> table}}
        </section>

        """

    static let table = """
        <table class="numbers" data-chart="{{id}}">
        <thead><tr><th>What</th><th>Count</th><th>Details</th><th>Reproduce with</th></tr></thead>
        <tbody>{{#numbers}}<tr data-key="{{key}}" data-count="{{count}}"><td>{{label}}</td><td class="n">{{shown}}</td><td>{{detail}}</td><td><code>{{filter}}</code></td></tr>{{/numbers}}</tbody>
        </table>

        """

    static let stacked = """
        <figure>
        <svg id="chart-{{id}}" class="chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {{width}} {{height}}" width="{{width}}" height="{{height}}" role="img" aria-label="{{title}}">
        {{#axis}}<line x1="{{x1}}" y1="{{y0}}" x2="{{x2}}" y2="{{y0}}" class="axis"/><line x1="{{x1}}" y1="{{yTop}}" x2="{{x1}}" y2="{{y0}}" class="axis"/>
        <text x="{{labelX}}" y="{{maxY}}" text-anchor="end">{{max}}</text><text x="{{labelX}}" y="{{y0}}" text-anchor="end">0</text>{{/axis}}
        {{#rects}}<rect x="{{x}}" y="{{y}}" width="{{w}}" height="{{h}}" fill="{{fill}}" data-key="{{key}}" data-count="{{count}}"><title>{{title}}</title></rect>
        {{/rects}}
        {{#labels}}<text x="{{x}}" y="{{y}}" text-anchor="middle">{{text}}</text>{{/labels}}
        </svg>
        <figcaption>{{#legend}}<span class="key"><span class="swatch" style="background:{{fill}}"></span>{{name}}</span> {{/legend}}</figcaption>
        </figure>

        """

    static let lines = """
        <figure>
        <svg id="chart-{{id}}" class="chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {{width}} {{height}}" width="{{width}}" height="{{height}}" role="img" aria-label="{{title}}">
        {{#axis}}<line x1="{{x1}}" y1="{{y0}}" x2="{{x2}}" y2="{{y0}}" class="axis"/><line x1="{{x1}}" y1="{{yTop}}" x2="{{x1}}" y2="{{y0}}" class="axis"/>
        <text x="{{labelX}}" y="{{maxY}}" text-anchor="end">{{max}}</text><text x="{{labelX}}" y="{{y0}}" text-anchor="end">0</text>{{/axis}}
        {{#paths}}<path d="{{d}}" stroke="{{colour}}" stroke-width="2" fill="none" data-series="{{name}}"/>
        {{#dots}}<circle cx="{{x}}" cy="{{y}}" r="3" fill="{{colour}}" data-count="{{count}}"><title>{{title}}</title></circle>{{/dots}}
        {{/paths}}
        {{#labels}}<text x="{{x}}" y="{{y}}" text-anchor="middle">{{text}}</text>{{/labels}}
        </svg>
        <figcaption>{{#legend}}<span class="key"><span class="swatch" style="background:{{fill}}"></span>{{name}}</span> {{/legend}}</figcaption>
        </figure>

        """

    static let bars = """
        <figure>
        <svg id="chart-{{id}}" class="chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {{width}} {{height}}" width="{{width}}" height="{{height}}" role="img" aria-label="{{title}}">
        {{#rows}}<text x="{{labelX}}" y="{{textY}}" text-anchor="end">{{label}}</text><rect x="{{x}}" y="{{y}}" width="{{w}}" height="{{h}}" fill="{{fill}}" data-key="{{key}}"/><text x="{{valueX}}" y="{{textY}}">{{shown}}</text>
        {{/rows}}
        </svg>
        </figure>

        """

    static let css = """
        body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:2rem auto;max-width:60rem;\
        color:#1a202c;padding:0 1rem}h1{font-size:1.6rem}h2{font-size:1.2rem;margin-top:2rem;border-bottom:1px solid #e2e8f0}\
        code{font-size:.8rem;background:#f7fafc;padding:0 .2rem;word-break:break-all}\
        table{border-collapse:collapse;width:100%;font-size:.85rem;margin:.5rem 0}\
        th,td{border-bottom:1px solid #edf2f7;text-align:left;padding:.2rem .4rem;vertical-align:top}td.n{text-align:right}\
        .chart{max-width:100%;height:auto;font-size:11px}.chart text{fill:#4a5568}.axis{stroke:#a0aec0}\
        figcaption{font-size:.85rem}.key{margin-right:.8rem;white-space:nowrap}\
        .swatch{display:inline-block;width:.8rem;height:.8rem;margin-right:.3rem;vertical-align:middle}\
        #verification{padding:.5rem 1rem;border-radius:.3rem}#verification.ok{background:#f0fff4}\
        #verification.bad{background:#fff5f5}.bad{color:#c53030}dl{display:grid;grid-template-columns:14rem 1fr}\
        dd{margin:0}.period,.how,.note{color:#4a5568}
        """
}
