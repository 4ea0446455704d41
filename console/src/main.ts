import 'element-plus/dist/index.css'
import { vLoading } from 'element-plus'
import { createApp } from 'vue'
import App from './App.vue'
import { router } from './router'

createApp(App).use(router).directive('loading', vLoading).mount('#app')
