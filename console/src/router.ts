import { createRouter, createWebHashHistory } from 'vue-router'
import { restore } from './shared/session'

// Hash history: the app serves one index.html at /console/ and needs no fallback route per screen.
export const router = createRouter({
  history: createWebHashHistory(),
  routes: [
    { path: '/login', component: () => import('./screens/login/LoginScreen.vue'), meta: { open: true } },
    { path: '/', component: () => import('./screens/workbench/WorkbenchScreen.vue') },
    { path: '/wishes/:id(\\d+)', component: () => import('./screens/wish/WishScreen.vue') },
    { path: '/reports', component: () => import('./screens/reports/ReportsScreen.vue') },
    { path: '/roster', component: () => import('./screens/roster/RosterScreen.vue') },
    { path: '/grid-map', component: () => import('./screens/gridmap/GridMapScreen.vue') },
    { path: '/admin', component: () => import('./screens/admin/AdminScreen.vue') },
    // Street and district staff: 三率 figures, 督办 lists, members' ranking (ECharts loads with these alone).
    { path: '/figures', component: () => import('./screens/figures/FiguresScreen.vue') },
    { path: '/supervision', component: () => import('./screens/figures/SupervisionScreen.vue') },
    { path: '/ranking', component: () => import('./screens/figures/RankingScreen.vue') },
    // Volunteering: activities (their roster, 补卡, the full-screen check-in code), 积分, the 爱心超市.
    { path: '/activities', component: () => import('./screens/activities/ActivitiesScreen.vue') },
    { path: '/activities/:id(\\d+)', component: () => import('./screens/activities/ActivityScreen.vue') },
    {
      path: '/activities/:id(\\d+)/checkin',
      component: () => import('./screens/activities/CheckinScreen.vue'),
      meta: { bare: true },
    },
    { path: '/points', component: () => import('./screens/points/PointsScreen.vue') },
    { path: '/shop', component: () => import('./screens/shop/ShopScreen.vue') },
    // 志愿服务队, 志愿服务项目 and the volunteering figures (README: "Teams and service projects").
    { path: '/teams', component: () => import('./screens/teams/TeamsScreen.vue') },
    { path: '/teams/:id(\\d+)', component: () => import('./screens/teams/TeamScreen.vue') },
    { path: '/service-projects', component: () => import('./screens/teams/ProjectsScreen.vue') },
    { path: '/volunteering-figures', component: () => import('./screens/teams/FiguresScreen.vue') },
    // 共驻共建 and 评星定级 (secretaries, street and district staff).
    { path: '/joint', component: () => import('./screens/joint/JointScreen.vue') },
    { path: '/joint/projects/:id(\\d+)', component: () => import('./screens/joint/ProjectScreen.vue') },
    { path: '/stars', component: () => import('./screens/stars/StarsScreen.vue') },
    { path: '/stars/assessments/:id(\\d+)', component: () => import('./screens/stars/AssessmentScreen.vue') },
    { path: '/:rest(.*)*', redirect: '/' },
  ],
})

router.beforeEach(async (to) => {
  if (to.meta.open) return true
  return (await restore()) ? true : { path: '/login', query: to.fullPath === '/' ? {} : { next: to.fullPath } }
})
