// ECharts, tree-shaken: only the charts and components these screens draw. Imported by the figures screens alone,
// so it lands in their lazy chunk and never in the sign-in screen's script.
import { BarChart, LineChart } from 'echarts/charts'
import { GridComponent, LegendComponent, TitleComponent, TooltipComponent } from 'echarts/components'
import { init, use } from 'echarts/core'
import { CanvasRenderer } from 'echarts/renderers'

use([BarChart, LineChart, GridComponent, LegendComponent, TitleComponent, TooltipComponent, CanvasRenderer])

export { init }
